import { Transform } from "node:stream";

const newline = 0x0a;

/**
 * Cuts the output of `COPY … TO STDOUT` (text format) into chunks of whole rows. A raw LF byte only
 * ever ends a row (a newline inside a value arrives as the two characters `\n`), and UTF-8 never
 * uses the byte 0x0A inside a character, so a chunk is cut after its last LF and the rest waits for
 * the next one. https://www.postgresql.org/docs/current/sql-copy.html (Text Format)
 */
export function wholeRows(): Transform {
  let rest: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const data = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      const end = data.lastIndexOf(newline) + 1;
      rest = end < data.length ? data.subarray(end) : undefined;
      done(null, end === 0 ? undefined : data.subarray(0, end));
    },
    flush(done) {
      done(rest === undefined ? null : new Error("The COPY output ended in the middle of a row."));
    },
  });
}

// COPY TO writes these escapes and never an octal or hex sequence.
const escapes: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/** A text-format field with its backslash escapes resolved. */
function unescapeCopyText(field: string): string {
  return field.replace(/\\(.)/g, (_match, character: string) => escapes[character] ?? character);
}

/**
 * The rows of a chunk of whole rows (see wholeRows) as their fields: escapes resolved, `\N` (SQL NULL)
 * as null. A raw tab only ever separates fields; a row without a backslash has neither escapes nor
 * nulls, so most rows cost one split.
 */
export function copyRows(chunk: Buffer): Array<Array<string | null>> {
  const lines = chunk.toString("utf8").split("\n");
  // The chunk ends with the LF of its last row.
  lines.pop();
  return lines.map((line) => {
    const fields: Array<string | null> = line.split("\t");
    if (!line.includes("\\")) return fields;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      if (field === "\\N") fields[i] = null;
      else if (field?.includes("\\")) fields[i] = unescapeCopyText(field);
    }
    return fields;
  });
}
