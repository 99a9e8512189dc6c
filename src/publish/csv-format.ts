import { stringify, type Options } from "csv-stringify/sync";
import { copyRows } from "./copy-text-decoding.js";
import { pseudonyms, type UserIdentity } from "./user-identity.js";

/**
 * How a column's value becomes its cell. `user` is a person: the query returns two fields for it,
 * the GitHub user id and then the login, and USER_IDENTITY decides what the cell shows.
 */
export type ColumnType = "text" | "integer" | "decimal" | "date" | "timestamp" | "boolean" | "user";

export interface CsvFormat {
  decimalSeparator: "." | ",";
}

// The CSV dialect Power BI reads (docs/power-bi.md): UTF-8 with BOM, `;`, CRLF, a header row, RFC 4180
// quoting. csv-stringify quotes a field holding `;`, a quote or the whole CRLF, but not a lone LF or
// CR: spreadsheets read those as line breaks too, so quoted_match quotes them.
const dialect: Options = { delimiter: ";", record_delimiter: "\r\n", quoted_match: ["\n", "\r"] };

/** The bytes before the first record: the BOM and the header line. */
export function csvPreamble(header: string[]): Buffer {
  // With no records, csv-stringify writes only the BOM and the header line.
  return Buffer.from(stringify([], { ...dialect, bom: true, header: true, columns: header }), "utf8");
}

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP); the
// full-width forms are the ones Apple Numbers normalises. A leading apostrophe makes it text.
const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Text as a cell: a formula-looking value gets a leading `'`. */
function textCell(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

/** A cell's value as PostgreSQL's text output writes it, or null for SQL NULL. */
type Field = string | null;

/**
 * The cell for one field in PostgreSQL's text output (COPY, with DateStyle ISO and TimeZone UTC),
 * applied as csv-stringify's cast. Only text is neutralised: numbers keep their minus sign. Integers
 * and dates are written as they are.
 */
export function cellCast(type: Exclude<ColumnType, "user">, format: CsvFormat): (value: string) => string {
  switch (type) {
    case "text":
      return textCell;
    case "integer":
    case "date":
      return (value) => value;
    case "boolean":
      return (value) => (value === "t" ? "true" : "false");
    case "decimal":
      return (value) => {
        const text = /^-?\d*\.?\d*$/.test(value) ? value : plainNumber(Number(value));
        return format.decimalSeparator === "," ? text.replace(".", ",") : text;
      };
    case "timestamp":
      // '2026-11-25 06:00:00.123+00' → '2026-11-25T06:00:00.123Z'
      return (value) => `${value.slice(0, 10)}T${value.slice(11).replace(/\+00(:00)?$/, "")}Z`;
  }
}

/**
 * A decimal in positional notation: PostgreSQL writes double precision as 1e-07 or 1e+21, which
 * Power BI's decimal type does not read. NaN and infinities are unknown values.
 */
function plainNumber(value: number): string {
  if (!Number.isFinite(value)) return "";
  const text = String(value);
  if (!/e/i.test(text)) return text;
  if (Math.abs(value) >= 1) return BigInt(Math.round(value)).toString();
  return value.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}

/** The cell of a `user` column from its two fields, id and login, as USER_IDENTITY says. */
function personCell(identity: UserIdentity): { cell: (id: Field, login: Field) => Field; cast: (value: string) => string } {
  switch (identity.mode) {
    case "login":
      return { cell: (_id, login) => login, cast: textCell };
    case "id":
      return { cell: (id) => id, cast: (value) => value };
    case "none":
      return { cell: () => null, cast: (value) => value };
    case "hashed": {
      const pseudonymOf = pseudonyms(identity.key);
      return {
        cell: (id, login) =>
          (id !== null ? pseudonymOf(Number(id)) : login !== null ? pseudonymOf(login) : null)?.toString("latin1") ?? null,
        cast: (value) => value,
      };
    }
  }
}

type Columns = { name: string; columns: Array<{ type: ColumnType }> };

/**
 * Turns whole rows of PostgreSQL's COPY text format (see wholeRows) into CSV records through
 * csv-stringify, one chunk at a time; the BOM and header are csvPreamble's.
 */
export function csvEncoder(dataset: Columns, format: CsvFormat, identity: UserIdentity): (rows: Buffer) => { csv: Buffer; rows: number } {
  const toRecords = csvRecords(dataset, identity);
  const options = csvOptions(dataset, format, identity);
  return (chunk) => {
    const records = toRecords(chunk);
    return { csv: Buffer.from(stringify(records, options), "utf8"), rows: records.length };
  };
}

/**
 * csv-stringify's options for a dataset's records: the dialect, and each column's cast (cellCast,
 * and USER_IDENTITY for a person) as its string cast. SQL NULL is null, the empty cell.
 */
export function csvOptions(dataset: Columns, format: CsvFormat, identity: UserIdentity): Options {
  const personCast = personCell(identity).cast;
  const casts = dataset.columns.map((column) => (column.type === "user" ? personCast : cellCast(column.type, format)));
  return {
    ...dialect,
    cast: {
      string: (value, context) => {
        const cast = !context.header && typeof context.column === "number" ? casts[context.column] : undefined;
        return cast === undefined ? value : cast(value);
      },
    },
  };
}

/** The records of a chunk of whole COPY rows: a person's two fields (id, login) become one cell. */
export function csvRecords(dataset: Columns, identity: UserIdentity): (rows: Buffer) => Field[][] {
  const person = personCell(identity).cell;
  const users = dataset.columns.map((column) => column.type === "user");
  const fieldsPerRow = users.reduce((total, user) => total + (user ? 2 : 1), 0);
  // Where each person's id field sits in a row, last first, so that replacing a pair in place
  // leaves the earlier positions valid: building a new array per row halved the export's speed.
  const personFieldsLastFirst: number[] = [];
  users.reduce((at, user) => {
    if (user) personFieldsLastFirst.unshift(at);
    return at + (user ? 2 : 1);
  }, 0);
  const record = (fields: Field[]): Field[] => {
    if (fields.length !== fieldsPerRow) {
      throw new Error(
        `The query of dataset ${dataset.name} returned ${fields.length} fields where its columns need ${fieldsPerRow} (a user column takes two: id, login).`,
      );
    }
    for (const at of personFieldsLastFirst) fields.splice(at, 2, person(fields[at] ?? null, fields[at + 1] ?? null));
    return fields;
  };
  return (chunk) => copyRows(chunk).map(record);
}
