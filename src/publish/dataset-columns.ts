import type { ColumnType } from "./csv-format.js";

export interface DatasetColumn {
  name: string;
  type: ColumnType;
}

// Shorthands for dataset declarations: several columns of one type, in file order.
const ofType = (type: ColumnType) => (...names: string[]): DatasetColumn[] => names.map((name) => ({ name, type }));
export const integers = ofType("integer");
export const decimals = ofType("decimal");
export const texts = ofType("text");
export const booleans = ofType("boolean");
