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
export function unescapeCopyText(field: string): string {
  return field.replace(/\\(.)/g, (_match, character: string) => escapes[character] ?? character);
}
