import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import Parser from "stream-json/Parser.js";
import StreamArray from "stream-json/streamers/StreamArray.js";
import StreamValues from "stream-json/streamers/StreamValues.js";

export interface ReportRecord {
  value: unknown;
  /** 1-based line (NDJSON) or element number (JSON array / concatenated objects) for error messages. */
  line: number;
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
 * Streams the records of one report file, whatever shape GitHub chose (reference §2.1): NDJSON, one
 * JSON object (possibly pretty-printed over many lines), a JSON array, and the 28-day `day_totals[]`
 * wrapper, whose days are yielded one by one. Only one record is held in memory at a time (a
 * pretty-printed object is one record).
 */
export async function* readReportRecords(source: AsyncIterable<Buffer | string>, file: string): AsyncGenerator<ReportRecord> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    yield* readFrom(iterator, file);
  } finally {
    // A malformed line or a consumer that stops early must not leave the download open.
    await iterator.return?.();
  }
}

async function* readFrom(iterator: AsyncIterator<Buffer | string>, file: string): AsyncGenerator<ReportRecord> {
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
    yield* readStructured(Readable.from(replay), startsArray(pending), file);
    return;
  }

  // NDJSON: split on newlines as chunks arrive; JSON.parse is the fastest parser Node has.
  let rest = pending;
  const flushLines = function* (final: boolean): Generator<ReportRecord> {
    let start = 0;
    for (let newline = rest.indexOf("\n"); newline !== -1; newline = rest.indexOf("\n", start)) {
      lineNumber++;
      yield* parseLine(rest.slice(start, newline), lineNumber, file);
      start = newline + 1;
    }
    rest = rest.slice(start);
    if (final && rest.trim() !== "") {
      lineNumber++;
      yield* parseLine(rest, lineNumber, file);
      rest = "";
    }
  };
  yield* flushLines(false);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    rest += typeof next.value === "string" ? next.value : decoder.write(next.value);
    yield* flushLines(false);
  }
  rest += decoder.end();
  yield* flushLines(true);
}

function* parseLine(text: string, line: number, file: string): Generator<ReportRecord> {
  const trimmed = text.trim();
  if (trimmed === "") return;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new MalformedReportError(file, line, error instanceof Error ? error.message : "not JSON");
  }
  yield* unwrap(value, line);
}

/** A JSON array of records and the 28-day wrapper both stand for several records. */
function* unwrap(value: unknown, line: number): Generator<ReportRecord> {
  if (Array.isArray(value)) {
    for (const element of value) yield* unwrap(element, line);
    return;
  }
  if (isObject(value) && Array.isArray(value["day_totals"])) {
    for (const dayTotals of value["day_totals"]) yield { value: dayTotals, line };
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
