import { Readable } from "node:stream";
import { isUtf8 } from "node:buffer";
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
 * record die young. A line longer than `maxRecordBytes`, bytes that are not UTF-8 and a record nested
 * deeper than the stack are refused with the file and line.
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
  const lines = new LineSplitter(file, map);
  // The chunks read before the first record decides the shape, kept to replay them as structured JSON.
  let consumed: Buffer[] | undefined = [];
  let firstByte: number | undefined;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const chunk = typeof next.value === "string" ? Buffer.from(next.value, "utf8") : next.value;
    if (consumed !== undefined) {
      consumed.push(chunk);
      firstByte ??= firstContentByte(chunk);
      // An array is streamed element by element; anything else is NDJSON until its first line fails.
      if (firstByte === openBracket) {
        yield* structured(consumed, iterator, true, file, map);
        return;
      }
    }
    // A slice at a time: each slice is decoded and parsed at once, so a batch stays small and its
    // records die young.
    for (let offset = 0; offset < chunk.length; offset += sliceLength) {
      const batch = lines.push(chunk.subarray(offset, offset + sliceLength));
      if (batch === notNdjson) {
        yield* structured(consumed ?? [], iterator, false, file, map);
        return;
      }
      if (lines.sawRecord) consumed = undefined;
      if (batch.length > 0) yield batch;
    }
  }
  const last = lines.end();
  if (last === notNdjson) {
    yield* structured(consumed ?? [], iterator, false, file, map);
    return;
  }
  if (last.length > 0) yield last;
}

async function* structured<T>(
  consumed: Buffer[],
  rest: AsyncIterator<Buffer | string>,
  isArray: boolean,
  file: string,
  map: (record: ReportRecord) => T,
): AsyncGenerator<T[]> {
  const replay = (async function* () {
    yield* consumed;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  })();
  for await (const record of readStructured(Readable.from(replay), isArray, file)) yield [mapped(map, record, file)];
}

/** The first line of a file that is not NDJSON: the caller reads the file as structured JSON instead. */
const notNdjson = Symbol("not NDJSON");

/**
 * Splits NDJSON bytes into lines in time linear in the bytes, whatever the line length: a slice is
 * searched for its last newline only, an unfinished line waits as a list of byte slices, and each
 * run of complete lines is decoded once. Searching the growing text for every chunk instead cost
 * 0.8 s for a 5 MB line, 3.4 s for 10 MB and 13.5 s for 20 MB.
 */
class LineSplitter<T> {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNumber = 0;
  /** Set once a first record parsed: from then on a line that does not parse is malformed. */
  sawRecord = false;

  constructor(
    private readonly file: string,
    private readonly map: (record: ReportRecord) => T,
  ) {}

  push(slice: Buffer): T[] | typeof notNdjson {
    const newline = slice.lastIndexOf(newlineByte);
    if (newline === -1) {
      this.hold(slice);
      return [];
    }
    this.checkLength(this.pendingBytes + slice.indexOf(newlineByte));
    const complete =
      this.pending.length === 0 ? slice.subarray(0, newline + 1) : Buffer.concat([...this.pending, slice.subarray(0, newline + 1)]);
    this.pending = [];
    this.pendingBytes = 0;
    this.hold(slice.subarray(newline + 1));
    return this.parseLines(complete, false);
  }

  end(): T[] | typeof notNdjson {
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    return this.parseLines(rest, true);
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.checkLength(this.pendingBytes);
  }

  private checkLength(bytes: number): void {
    if (bytes > maxRecordBytes) {
      throw new MalformedReportError(
        this.file,
        this.lineNumber + 1,
        `a line longer than ${maxRecordBytes / 1024 / 1024} MiB, more than any report record needs`,
      );
    }
  }

  private parseLines(bytes: Buffer, final: boolean): T[] | typeof notNdjson {
    const text = this.decode(bytes);
    const batch: T[] = [];
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1 || (final && start < text.length); newline = text.indexOf("\n", start)) {
      const end = newline === -1 ? text.length : newline;
      this.lineNumber++;
      const line = text.slice(start, end);
      start = end + 1;
      // JSON.parse skips surrounding whitespace (a CR included) itself; only a blank line is skipped here.
      if (!nonBlank.test(line)) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        if (error instanceof RangeError) throw tooDeep(this.file, this.lineNumber, error);
        // The first record decides the shape: a line that does not parse alone means structured JSON.
        if (!this.sawRecord) return notNdjson;
        throw new MalformedReportError(this.file, this.lineNumber, error instanceof Error ? error.message : "not JSON");
      }
      this.sawRecord = true;
      // One record per line is the rule; arrays and the 28-day wrapper take the longer way.
      if (!Array.isArray(value) && !(isObject(value) && Array.isArray(value["day_totals"])))
        batch.push(mapped(this.map, { value, line: this.lineNumber }, this.file));
      else for (const record of unwrapped(value, this.lineNumber, this.file)) batch.push(mapped(this.map, record, this.file));
    }
    return batch;
  }

  /** Complete lines only, so no character is cut; the slow search for the culprit runs only on a failure. */
  private decode(bytes: Buffer): string {
    try {
      return utf8.decode(bytes);
    } catch {
      let start = 0;
      for (let line = this.lineNumber + 1; ; line++) {
        const newline = bytes.indexOf(newlineByte, start);
        const end = newline === -1 ? bytes.length : newline;
        if (!isUtf8(bytes.subarray(start, end))) {
          throw new MalformedReportError(
            this.file,
            line,
            "bytes that are not UTF-8 (GitHub writes its reports in UTF-8; the file is damaged or not a report)",
          );
        }
        start = end + 1;
      }
    }
  }
}

/** Runs `map`, turning a stack overflow on a deeply nested record into a message with its place. */
function mapped<T>(map: (record: ReportRecord) => T, record: ReportRecord, file: string): T {
  try {
    return map(record);
  } catch (error) {
    throw error instanceof RangeError ? tooDeep(file, record.line, error) : error;
  }
}

function tooDeep(file: string, line: number, cause: RangeError): MalformedReportError {
  const error = new MalformedReportError(file, line, "a record nested too deeply to read (no report record nests more than a few levels)");
  error.cause = cause;
  return error;
}

const nonBlank = /\S/;

/** The records a line stands for, or the line's place when it nests deeper than the stack goes. */
function unwrapped(value: unknown, line: number, file: string): ReportRecord[] {
  try {
    return [...unwrap(value, line)];
  } catch (error) {
    throw error instanceof RangeError ? tooDeep(file, line, error) : error;
  }
}

/** A JSON array of records and the 28-day wrapper both stand for several records. */
function* unwrap(value: unknown, line: number): Generator<ReportRecord> {
  if (Array.isArray(value)) {
    for (const element of value) yield* unwrap(element, line);
    return;
  }
  if (isObject(value) && Array.isArray(value["day_totals"])) {
    const wrapper = Object.fromEntries(Object.entries(value).filter(([field]) => field !== "day_totals"));
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
    if (error instanceof RangeError) throw tooDeep(file, element + 1, error);
    if (error instanceof Error && !(error instanceof MalformedReportError) && /Parser|JSON|unexpected|token/i.test(error.message)) {
      throw new MalformedReportError(file, element + 1, error.message);
    }
    throw error;
  } finally {
    bytes.destroy();
  }
}

const sliceLength = 64 * 1024;

/**
 * The longest line read as one record. GitHub's largest record, a 28-day report on one line, is
 * a few MB; past this a file is not a report, and holding it (bytes, text and parsed value) would
 * cost memory every other unit of the worker needs.
 */
export const maxRecordBytes = 64 * 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const newlineByte = 0x0a;
const openBracket = 0x5b;

/** The first byte that is not JSON whitespace, if the chunk has one. */
function firstContentByte(chunk: Buffer): number | undefined {
  for (const byte of chunk) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
