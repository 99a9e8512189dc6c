import { z } from "zod";
import type { CopyValue } from "../db/index.js";
import { aggregateRecord, repositoryRecord, teamMembershipRecord, userRecord } from "./copilot-records.js";
import { MalformedReportError, type ReportRecord } from "./report-records.js";
import { toDailyRow, toRepositoryRow, toTeamRow, toUserRow } from "./usage-rows.js";

export interface RowContext {
  /** The file as named in messages (a signed URL without its query). */
  file: string;
  fileIndex: number;
  firstDay: string;
  lastDay: string;
  /** Called once per record, for progress and the record count. */
  onRecord?: () => void;
}

/** Validates each record of an aggregate report and turns it into a staging row. */
export async function* aggregateRows(records: AsyncIterable<ReportRecord>, context: RowContext): AsyncGenerator<CopyValue[]> {
  for await (const { value, line } of records) {
    const record = parse(aggregateRecord, value, line, context);
    context.onRecord?.();
    yield toDailyRow(record, value, context.fileIndex);
  }
}

/** Validates each record of a users report and turns it into a staging row. */
export async function* userRows(records: AsyncIterable<ReportRecord>, context: RowContext): AsyncGenerator<CopyValue[]> {
  for await (const { value, line } of records) {
    const record = parse(userRecord, value, line, context);
    context.onRecord?.();
    yield toUserRow(record, context.fileIndex);
  }
}

/** Validates each user-team membership line. */
export async function* teamRows(records: AsyncIterable<ReportRecord>, context: RowContext): AsyncGenerator<CopyValue[]> {
  for await (const { value, line } of records) {
    const record = parse(teamMembershipRecord, value, line, context);
    context.onRecord?.();
    yield toTeamRow(record);
  }
}

/** Validates each repository line; the raw record is kept with the row. */
export async function* repositoryRows(records: AsyncIterable<ReportRecord>, context: RowContext): AsyncGenerator<CopyValue[]> {
  for await (const { value, line } of records) {
    const record = parse(repositoryRecord, value, line, context);
    context.onRecord?.();
    yield toRepositoryRow(record, value, context.fileIndex);
  }
}

/** The row builder for a report level. */
export function rowsFor(level: "aggregate" | "users" | "teams" | "repos") {
  return { aggregate: aggregateRows, users: userRows, teams: teamRows, repos: repositoryRows }[level];
}

function parse<T extends { day: string }>(schema: z.ZodType<T>, value: unknown, line: number, context: RowContext): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new MalformedReportError(context.file, line, z.prettifyError(result.error).replace(/\n/g, " "));
  const { day } = result.data;
  // A record outside the report's days would not be replaced by a later run: refuse it instead.
  if (day < context.firstDay || day > context.lastDay) {
    throw new MalformedReportError(context.file, line, `day ${day} is outside the report's days ${context.firstDay}..${context.lastDay}`);
  }
  return result.data;
}
