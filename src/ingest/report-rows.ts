import { z } from "zod";
import { copyLine, type CopyValue } from "../db/index.js";
import type { ReportLevel } from "../github/index.js";
import { aggregateRecord, reportWrapper, repositoryRecord, teamMembershipRecord, userRecord } from "./copilot-records.js";
import { MalformedReportError, readReportRecordBatches, type ReportRecord } from "./report-records.js";
import { schemaCheck } from "./schema-check.js";
import { toDailyRow, toRepositoryRow, toTeamRow, toUserRow } from "./usage-rows.js";

/** Where a file's records come from and which days they may hold. */
interface RowContext {
  /** The file as named in messages (a signed URL without its query). */
  file: string;
  fileIndex: number;
  firstDay: string;
  lastDay: string;
  /** Records of days outside this range are skipped, not refused (a re-ingest of part of a 28-day file). */
  onlyDays?: { from: string; to: string } | undefined;
}

/**
 * How a level's rows sit in the table they are copied into: `constant` cells first, then the row's
 * cells, all of them or the `pick`ed ones in that order.
 */
export interface RowShape {
  constant: CopyValue[];
  pick?: readonly number[] | undefined;
}

// The users report is the volume path: its records pass a compiled check, and only one it refuses
// goes through zod, for the message.
const isUserRecord = schemaCheck(userRecord);

/** Validates one record of a level's report and turns it into that level's row. */
const rowOf: Record<ReportLevel, (record: ReportRecord, context: RowContext) => CopyValue[]> = {
  aggregate: ({ value, line, wrapper }, context) =>
    toDailyRow(
      parse(aggregateRecord, value, line, context),
      value,
      context.fileIndex,
      wrapper === undefined ? null : createdAt(wrapper, line, context),
    ),
  users: ({ value, line }, context) =>
    toUserRow(isUserRecord(value) ? inDays(value, line, context) : parse(userRecord, value, line, context), context.fileIndex),
  teams: ({ value, line }, context) => toTeamRow(parse(teamMembershipRecord, value, line, context)),
  repos: ({ value, line }, context) => toRepositoryRow(parse(repositoryRecord, value, line, context), value, context.fileIndex),
};

/** One downloaded (or archived) report file to stage. */
export interface ReportFile {
  bytes: AsyncIterable<Buffer | string>;
  level: ReportLevel;
  context: RowContext;
  /** Hears the count of records staged, as they are. */
  onRecords: (count: number) => void;
}

/**
 * The records of a report file as COPY text of `shape`'s rows, about 64 KiB at a time, validated
 * record by record.
 */
export async function* reportCopyText(file: ReportFile, shape: RowShape): AsyncGenerator<string> {
  const { context, onRecords } = file;
  const toRow = rowOf[file.level];
  const prefix = shape.constant.length === 0 ? "" : copyLine(shape.constant).slice(0, -1) + "\t";
  // Each record becomes its line as it is parsed: only the text waits for the COPY.
  const lineOf = (record: ReportRecord) =>
    context.onlyDays !== undefined && outside(record, context.onlyDays) ? undefined : prefix + copyLine(toRow(record, context), shape.pick);
  // Joined once per piece: a string built line by line is a tree the COPY would flatten again.
  let pending: string[] = [];
  let length = 0;
  for await (const lines of readReportRecordBatches(file.bytes, context.file, lineOf)) {
    for (const line of lines) {
      if (line === undefined) continue;
      pending.push(line);
      length += line.length;
    }
    if (length >= 65_536) {
      onRecords(pending.length);
      yield pending.join("");
      pending = [];
      length = 0;
    }
  }
  if (pending.length > 0) {
    onRecords(pending.length);
    yield pending.join("");
  }
}

function createdAt(wrapper: Record<string, unknown>, line: number, context: RowContext): string | null {
  const result = reportWrapper.safeParse(wrapper);
  if (!result.success) throw new MalformedReportError(context.file, line, z.prettifyError(result.error).replace(/\n/g, " "));
  return result.data.created_at ?? null;
}

function outside(record: ReportRecord, days: { from: string; to: string }): boolean {
  const day: unknown = typeof record.value === "object" && record.value !== null ? Reflect.get(record.value, "day") : undefined;
  return typeof day === "string" && (day < days.from || day > days.to);
}

function parse<T extends { day: string }>(schema: z.ZodType<T>, value: unknown, line: number, context: RowContext): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new MalformedReportError(context.file, line, z.prettifyError(result.error).replace(/\n/g, " "));
  return inDays(result.data, line, context);
}

function inDays<T extends { day: string }>(record: T, line: number, context: RowContext): T {
  // A record outside the report's days would not be replaced by a later run: refuse it instead.
  if (record.day < context.firstDay || record.day > context.lastDay) {
    throw new MalformedReportError(
      context.file,
      line,
      `day ${record.day} is outside the report's days ${context.firstDay}..${context.lastDay}`,
    );
  }
  return record;
}
