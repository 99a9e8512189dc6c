import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import Parser from "stream-json/Parser.js";
import StreamArray from "stream-json/streamers/StreamArray.js";
import StreamValues from "stream-json/streamers/StreamValues.js";

export interface ReportRecord {
  value: unknown;
  /** 1-based line (NDJSON) or element number (JSON array / concatenated objects) for error messages. */
  line: number;
  /** The 28-day wrapper's own fields (`created_at`, the window), for a record of its `day_totals`. */
  wrapper?: Record<string, unknown>;
}

export class MalformedReportError extends Error {
  override readonly name = "MalformedReportError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`Report file ${file} is malformed at line ${line}: ${problem}.`);
  }
}

/**
 * The records of one report file, whatever shape GitHub chose (reference §2.1): NDJSON, one JSON
 * object (possibly pretty-printed over many lines), a JSON array, and the 28-day `day_totals[]`
 * wrapper, whose days are records one by one. Each record is passed through `map` as it is parsed,
 * and they come in batches: one step of the consumer per batch instead of per record, which is most
 * of the cost at 100,000s of records. A batch holds what `map` made of the records of at most
 * 64 KiB of the file (a pretty-printed object is one record); mapping at once lets the parsed
 * record die young.
 */
export async function* readReportRecordBatches<T>(
  source: AsyncIterable<Buffer | string>,
  file: string,
  map: (record: ReportRecord) => T,
): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    yield* readFrom(iterator, file, map);
  } finally {
    // A malformed line or a consumer that stops early must not leave the download open.
    await iterator.return?.();
  }
}

async function* readFrom<T>(iterator: AsyncIterator<Buffer | string>, file: string, map: (record: ReportRecord) => T): AsyncGenerator<T[]> {
  const decoder = new StringDecoder("utf8");
  const consumed: Array<Buffer | string> = [];
  let pending = "";
  let lineNumber = 0;
  let mode: "ndjson" | "structured" | undefined;

  // Decide the shape from the first non-empty line: a line that parses alone means NDJSON.
  while (mode === undefined) {
    const next = await iterator.next();
    if (next.done) {
      pending += decoder.end();
      if (pending.trim() === "") return;
      mode = startsArray(pending) || !parses(pending.trim()) ? "structured" : "ndjson";
      break;
    }
    consumed.push(next.value);
    pending += typeof next.value === "string" ? next.value : decoder.write(next.value);
    const firstContent = pending.search(/\S/);
    if (firstContent === -1) continue;
    if (pending[firstContent] === "[") mode = "structured";
    const newline = pending.indexOf("\n", firstContent);
    if (newline !== -1) mode ??= parses(pending.slice(firstContent, newline).trim()) ? "ndjson" : "structured";
  }

  if (mode === "structured") {
    const replay = (async function* () {
      yield* consumed;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })();
    for await (const record of readStructured(Readable.from(replay), startsArray(pending), file)) yield [map(record)];
    return;
  }

  // NDJSON: split on newlines as chunks arrive; JSON.parse is the fastest parser Node has.
  let rest = pending;
  const completeLines = (final: boolean): T[] => {
    const batch: T[] = [];
    let start = 0;
    for (let newline = rest.indexOf("\n"); newline !== -1; newline = rest.indexOf("\n", start)) {
      lineNumber++;
      parseLine(rest.slice(start, newline), lineNumber, file, map, batch);
      start = newline + 1;
    }
    rest = rest.slice(start);
    if (final && rest.trim() !== "") {
      lineNumber++;
      parseLine(rest, lineNumber, file, map, batch);
      rest = "";
    }
    return batch;
  };
  const first = completeLines(false);
  if (first.length > 0) yield first;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const chunk = next.value;
    // A slice at a time: V8 puts strings over 128 KiB in pages of their own, mapped and unmapped for
    // each chunk, and records held in a large batch outlive the young generation; either costs
    // more than the parsing.
    for (let offset = 0; offset < chunk.length; offset += sliceLength) {
      rest += typeof chunk === "string" ? chunk.slice(offset, offset + sliceLength) : decoder.write(chunk.subarray(offset, offset + sliceLength));
      const batch = completeLines(false);
      if (batch.length > 0) yield batch;
    }
  }
  rest += decoder.end();
  const last = completeLines(true);
  if (last.length > 0) yield last;
}

function parseLine<T>(text: string, line: number, file: string, map: (record: ReportRecord) => T, into: T[]): void {
  // JSON.parse skips surrounding whitespace (a CR included) itself; only a blank line is skipped here.
  if (!nonBlank.test(text)) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedReportError(file, line, error instanceof Error ? error.message : "not JSON");
  }
  // One record per line is the rule; arrays and the 28-day wrapper take the longer way.
  if (!Array.isArray(value) && !(isObject(value) && Array.isArray(value["day_totals"]))) into.push(map({ value, line }));
  else for (const record of unwrap(value, line)) into.push(map(record));
}

const nonBlank = /\S/;

/** A JSON array of records and the 28-day wrapper both stand for several records. */
function* unwrap(value: unknown, line: number): Generator<ReportRecord> {
  if (Array.isArray(value)) {
    for (const element of value) yield* unwrap(element, line);
    return;
  }
  if (isObject(value) && Array.isArray(value["day_totals"])) {
    const { day_totals: _days, ...wrapper } = value;
    for (const dayTotals of value["day_totals"]) yield { value: dayTotals, line, wrapper };
    return;
  }
  yield { value, line };
}

async function* readStructured(bytes: Readable, isArray: boolean, file: string): AsyncGenerator<ReportRecord> {
  const parser = Parser.parser({ jsonStreaming: true });
  const streamer = isArray ? StreamArray.streamArray() : StreamValues.streamValues();
  bytes.on("error", (error) => parser.destroy(error));
  parser.on("error", (error) => streamer.destroy(error));
  bytes.pipe(parser).pipe(streamer);
  let element = 0;
  try {
    for await (const item of streamer as AsyncIterable<{ value: unknown }>) {
      element++;
      yield* unwrap(item.value, element);
    }
  } catch (error) {
    if (error instanceof Error && !(error instanceof MalformedReportError) && /Parser|JSON|unexpected|token/i.test(error.message)) {
      throw new MalformedReportError(file, element + 1, error.message);
    }
    throw error;
  } finally {
    bytes.destroy();
  }
}

// Bytes, or characters of a string chunk.
const sliceLength = 64 * 1024;

function startsArray(text: string): boolean {
  return text.trimStart().startsWith("[");
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
