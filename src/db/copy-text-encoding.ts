// COPY's text format. The ingest writes its lines itself, a batch of records at a time.

export type CopyValue = string | number | boolean | null;

/**
 * One row as a line of COPY text: tab-separated, `\N` for NULL, newline-terminated. With `pick`,
 * only the cells at those indexes, in that order.
 */
export function copyLine(row: readonly CopyValue[], pick?: readonly number[]): string {
  const cells = new Array<string>(pick === undefined ? row.length : pick.length);
  if (pick === undefined) {
    for (let index = 0; index < row.length; index++) cells[index] = encodeValue(row[index] ?? null);
  } else {
    let index = 0;
    for (const source of pick) cells[index++] = encodeValue(row[source] ?? null);
  }
  return cells.join("\t") + "\n";
}

function encodeValue(value: CopyValue): string {
  if (value === null) return "\\N";
  if (typeof value !== "string") return String(value);
  // Most strings need no escaping; testing first avoids a replace per value.
  return needsEscape.test(value) ? value.replace(escapable, escapeChar) : value;
}

const needsEscape = /[\\\t\n\r]/;
const escapable = /[\\\t\n\r]/g;

function escapeChar(char: string): string {
  switch (char) {
    case "\\":
      return "\\\\";
    case "\t":
      return "\\t";
    case "\n":
      return "\\n";
    default:
      return "\\r";
  }
}
