import { unescapeCopyText } from "./copy-text.js";
import { fieldWriter, type ColumnType, type CsvFormat } from "./csv-format.js";
import { pseudonyms, type UserIdentity } from "./user-identity.js";

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const SEMICOLON = 0x3b;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const COMMA = 0x2c;
const MINUS = 0x2d;
const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");

/** Column types as the encoder treats them: integers and dates pass through byte for byte. */
type Kind = "verbatim" | Exclude<ColumnType, "integer" | "date">;

/**
 * Turns whole rows of PostgreSQL's COPY text format (see wholeRows) into CSV records of DESIGN §5,
 * byte by byte: most fields (integers, dates, plain decimals, text without `;` or quotes) are copied
 * as they are, so a row costs no string per field. The rare fields that need more (backslash
 * escapes, a leading full-width character, a decimal in exponent notation, timestamps)
 * go through the string functions of csv-format.ts, which define the format.
 * tests/publish/csv-format.test.ts holds both paths to csv-stringify's bytes and an independent parser.
 */
export function copyTextToCsv(
  dataset: { name: string; columns: Array<{ type: ColumnType }> },
  format: CsvFormat,
  identity: UserIdentity,
): (rows: Buffer) => { csv: Buffer; rows: number } {
  const kinds: Kind[] = dataset.columns.map((column) => (column.type === "integer" || column.type === "date" ? "verbatim" : column.type));
  const fieldsPerRow = kinds.reduce((total, kind) => total + (kind === "user" ? 2 : 1), 0);
  const text = fieldWriter("text", format);
  const decimal = fieldWriter("decimal", format);
  const timestamp = fieldWriter("timestamp", format);
  const commaDecimals = format.decimalSeparator === ",";

  // The chunk being encoded and the output so far; the helpers below are made once, not per chunk.
  let src: Buffer = Buffer.alloc(0);
  let out: Buffer = Buffer.alloc(0);
  let at = 0;
  let pos = 0;
  let fields = 0;
  let lineEnd = false;
  let fieldStart = 0;
  let fieldEnd = 0;

  const ensure = (bytes: number) => {
    if (at + bytes <= out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + bytes));
    out.copy(bigger, 0, 0, at);
    out = bigger;
  };
  const writeString = (value: string) => {
    ensure(value.length * 3);
    at += out.write(value, at, "utf8");
  };
  const writeBytes = (bytes: Buffer) => {
    ensure(bytes.length);
    at += bytes.copy(out, at);
  };
  const copy = (start: number, end: number) => {
    ensure(end - start);
    for (let i = start; i < end; i++) out[at++] = src[i]!;
  };
  const isNull = (start: number, end: number) => end - start === 2 && src[start] === BACKSLASH && src[start + 1] === 0x4e;

  /** Moves to the next field of the row: [fieldStart, fieldEnd), lineEnd when it ended the row. */
  const nextField = () => {
    if (lineEnd) throw fieldCountError(dataset.name, fields, fieldsPerRow);
    let end = pos;
    while (end < src.length && src[end] !== TAB && src[end] !== LF) end++;
    if (end === src.length) throw new Error(`The COPY output of dataset ${dataset.name} was cut in the middle of a row.`);
    fieldStart = pos;
    fieldEnd = end;
    lineEnd = src[end] === LF;
    pos = end + 1;
    fields++;
  };

  /** A text field: quoted when it holds `;` or a quote, `'` before a formula start. */
  const writeText = (start: number, end: number) => {
    if (isNull(start, end)) return;
    let quote = false;
    for (let i = start; i < end; i++) {
      const byte = src[i]!;
      if (byte === BACKSLASH) return writeString(text(unescapeCopyText(src.toString("utf8", start, end))));
      if (byte === SEMICOLON || byte === QUOTE) quote = true;
    }
    const first = src[start];
    // 0xEF starts the full-width = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20): the string path decides.
    if (first === 0xef) return writeString(text(src.toString("utf8", start, end)));
    ensure((end - start) * 2 + 3);
    if (quote) out[at++] = QUOTE;
    if (first === 0x3d || first === 0x2b || first === MINUS || first === 0x40) out[at++] = APOSTROPHE;
    for (let i = start; i < end; i++) {
      const byte = src[i]!;
      out[at++] = byte;
      if (byte === QUOTE) out[at++] = QUOTE;
    }
    if (quote) out[at++] = QUOTE;
  };

  const writeDecimal = (start: number, end: number) => {
    if (isNull(start, end)) return;
    for (let i = start; i < end; i++) {
      const byte = src[i]!;
      if (!((byte >= 0x30 && byte <= 0x39) || byte === DOT || byte === MINUS)) return writeString(decimal(src.toString("latin1", start, end)));
    }
    ensure(end - start);
    for (let i = start; i < end; i++) {
      const byte = src[i]!;
      out[at++] = commaDecimals && byte === DOT ? COMMA : byte;
    }
  };

  /** The cell of a `user` column from its two fields, id and login, as USER_IDENTITY says. */
  const userWriter = (): ((idStart: number, idEnd: number, loginStart: number, loginEnd: number) => void) => {
    switch (identity.mode) {
      case "login":
        return (_idStart, _idEnd, loginStart, loginEnd) => writeText(loginStart, loginEnd);
      case "id":
        return (idStart, idEnd) => {
          if (!isNull(idStart, idEnd)) copy(idStart, idEnd);
        };
      case "none":
        return () => undefined;
      case "hashed": {
        const pseudonymOf = pseudonyms(identity.key);
        return (idStart, idEnd, loginStart, loginEnd) => {
          if (!isNull(idStart, idEnd)) writeBytes(pseudonymOf(parseId(src, idStart, idEnd)));
          else if (!isNull(loginStart, loginEnd)) writeBytes(pseudonymOf(unescapeCopyText(src.toString("utf8", loginStart, loginEnd))));
        };
      }
    }
  };
  const writeUser = userWriter();

  const writeRow = () => {
    fields = 0;
    lineEnd = false;
    for (let column = 0; column < kinds.length; column++) {
      if (column > 0) {
        ensure(1);
        out[at++] = SEMICOLON;
      }
      nextField();
      const start = fieldStart;
      const end = fieldEnd;
      switch (kinds[column]!) {
        case "verbatim":
          if (!isNull(start, end)) copy(start, end);
          break;
        case "text":
          writeText(start, end);
          break;
        case "decimal":
          writeDecimal(start, end);
          break;
        case "boolean":
          if (!isNull(start, end)) writeBytes(src[start] === 0x74 ? TRUE : FALSE);
          break;
        case "timestamp":
          if (!isNull(start, end)) writeString(timestamp(src.toString("latin1", start, end)));
          break;
        case "user":
          nextField();
          writeUser(start, end, fieldStart, fieldEnd);
          break;
      }
    }
    if (!lineEnd) throw fieldCountError(dataset.name, fields + 1, fieldsPerRow);
    ensure(2);
    out[at++] = CR;
    out[at++] = LF;
  };

  return (chunk) => {
    src = chunk;
    out = Buffer.allocUnsafe(chunk.length * 2 + 256);
    at = 0;
    pos = 0;
    let rows = 0;
    while (pos < src.length) {
      writeRow();
      rows++;
    }
    return { csv: out.subarray(0, at), rows };
  };
}

function parseId(src: Buffer, start: number, end: number): number {
  let value = 0;
  const negative = src[start] === MINUS;
  for (let i = negative ? start + 1 : start; i < end; i++) value = value * 10 + (src[i]! - 0x30);
  return negative ? -value : value;
}

function fieldCountError(dataset: string, fields: number, expected: number): Error {
  const returned = fields > expected ? `more than ${expected}` : String(fields);
  return new Error(`The query of dataset ${dataset} returned ${returned} fields where its columns need ${expected} (a user column takes two: id, login).`);
}
