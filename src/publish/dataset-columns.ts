import type { ColumnType } from "./csv-format.js";

export interface DatasetColumn {
  name: string;
  type: ColumnType;
}

/**
 * One CSV dataset of docs/power-bi.md: its query, its columns in file order (columns are only ever added at
 * the end), its grain and whether it is one file or one file per month.
 *
 * The query's parameters: with `partition: "none"`, $1 is the first day kept (EXPORT_RETENTION_MONTHS);
 * with `partition: "month"`, $1 is the month's first day and $2 the next month's, and it runs once
 * per month. It returns one field per column in column order, two for a `user` column (the GitHub
 * user id, then the login), and orders rows completely (by the grain): a partition's bytes must not
 * change while its data does not, or it is uploaded again every run.
 */
export interface Dataset {
  name: string;
  sql: string;
  columns: DatasetColumn[];
  partition: "none" | "month";
  /** The key columns: one row per combination (docs/power-bi.md lists them for the analysts). */
  grain?: string[];
}

// Shorthands for dataset declarations: several columns of one type, in file order.
const ofType =
  (type: ColumnType) =>
  (...names: string[]): DatasetColumn[] =>
    names.map((name) => ({ name, type }));
export const integers = ofType("integer");
export const decimals = ofType("decimal");
export const texts = ofType("text");
export const booleans = ofType("boolean");
