/**
 * How a column's value becomes its cell. `user` is a person: the query returns two fields for it,
 * the GitHub user id and then the login, and USER_IDENTITY decides what the cell shows.
 */
export type ColumnType = "text" | "integer" | "decimal" | "date" | "timestamp" | "boolean" | "user";

export interface CsvFormat {
  decimalSeparator: "." | ",";
}

// The CSV dialect of DESIGN §5 that Power BI reads: UTF-8 with BOM, `;`, CRLF, a header row, RFC 4180
// quoting. The writer encodes rows itself (csv-encoder.ts) instead of through csv-stringify: with its
// work per field, csv-stringify alone wrote 110,000-190,000 rows/s of copilot_user_metrics' 36
// columns here, below the export's 200,000 rows/s target. tests/publish/csv-format.test.ts checks
// that both write the same bytes.
const delimiter = ";";
const recordDelimiter = "\r\n";

/** The bytes before the first record: the BOM and the header line. */
export function csvPreamble(header: string[]): Buffer {
  return Buffer.from(`\ufeff${header.map(csvField).join(delimiter)}${recordDelimiter}`, "utf8");
}

const needsQuotes = /[;"\r\n]/;

/** A cell as RFC 4180 field: quoted when it holds the delimiter, a quote or a line break, quotes doubled. */
export function csvField(cell: string): string {
  return needsQuotes.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP); the
// full-width forms are the ones Apple Numbers normalises. A leading apostrophe makes it text.
const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Text as a cell: a formula-looking value gets a leading `'`. */
export function textCell(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

/**
 * The encoded field for one value in PostgreSQL's text output (COPY, with DateStyle ISO and
 * TimeZone UTC); null is SQL NULL, the empty cell. Only text can need quotes: decimals and
 * timestamps never hold `;`, a quote or a line break. The other types need no string: the
 * encoder copies integers and dates as they are and writes booleans itself.
 */
export function fieldWriter(type: "text" | "decimal" | "timestamp", format: CsvFormat): (value: string | null) => string {
  switch (type) {
    case "text":
      return (value) => (value === null ? "" : csvField(textCell(value)));
    case "decimal":
      return (value) => {
        if (value === null) return "";
        const text = /^-?\d*\.?\d*$/.test(value) ? value : plainNumber(Number(value));
        return format.decimalSeparator === "," ? text.replace(".", ",") : text;
      };
    case "timestamp":
      // '2026-11-25 06:00:00.123+00' → '2026-11-25T06:00:00.123Z'
      return (value) => (value === null ? "" : `${value.slice(0, 10)}T${value.slice(11).replace(/\+00(:00)?$/, "")}Z`);
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
