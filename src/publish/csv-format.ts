import { stringify, type Stringifier } from "csv-stringify";

export type ColumnType = "text" | "integer" | "decimal" | "date" | "timestamp" | "boolean";

export interface CsvFormat {
  decimalSeparator: "." | ",";
}

/**
 * The CSV dialect of DESIGN §5 that Power BI reads: UTF-8 with BOM, `;`, CRLF, RFC 4180 quoting
 * (a value with `;`, a quote or a line break is quoted, quotes doubled).
 */
export function csvStringifier(header: string[]): Stringifier {
  return stringify({
    bom: true,
    delimiter: ";",
    record_delimiter: "\r\n",
    quoted_match: /[\r\n]/,
    header: true,
    columns: header,
  });
}

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
const formulaStart = /^[=+\-@\t\r]/;

/** One database value as its CSV cell text; NULL is the empty cell. */
export function formatCell(value: unknown, type: ColumnType, format: CsvFormat): string {
  if (value === null || value === undefined) return "";
  switch (type) {
    case "text": {
      const text = String(value);
      return formulaStart.test(text) ? `'${text}` : text;
    }
    case "integer":
      return String(value);
    case "decimal": {
      const text = typeof value === "number" ? String(value) : String(value);
      return format.decimalSeparator === "," ? text.replace(".", ",") : text;
    }
    case "date":
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case "timestamp":
      return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
    case "boolean":
      return value === true ? "true" : value === false ? "false" : String(value);
  }
}
