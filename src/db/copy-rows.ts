import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

export type CopyValue = string | number | boolean | null;

/**
 * Streams rows into `table` with COPY FROM STDIN (text format). When the source throws, pipeline
 * destroys the COPY stream, which sends CopyFail: PostgreSQL discards the partial load.
 */
export async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: AsyncIterable<readonly CopyValue[]> | Iterable<readonly CopyValue[]>,
): Promise<void> {
  const sql = `copy ${table} (${columns.join(", ")}) from stdin`;
  // A deep buffer lets the producer (parsing, in Node) run ahead while PostgreSQL loads: both cores work.
  await pipeline(Readable.from(encode(rows), { objectMode: false, highWaterMark: 4 * 1024 * 1024 }), client.query(copyFrom(sql)));
}

async function* encode(rows: AsyncIterable<readonly CopyValue[]> | Iterable<readonly CopyValue[]>): AsyncGenerator<string> {
  // Batch lines into ~64 KiB strings: one stream chunk per row would cost more than the encoding.
  let batch = "";
  for await (const row of rows) {
    let line = "";
    for (let index = 0; index < row.length; index++) line += (index === 0 ? "" : "\t") + encodeValue(row[index] ?? null);
    batch += line + "\n";
    if (batch.length >= 65_536) {
      yield batch;
      batch = "";
    }
  }
  if (batch !== "") yield batch;
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
    case "\\": return "\\\\";
    case "\t": return "\\t";
    case "\n": return "\\n";
    default: return "\\r";
  }
}
