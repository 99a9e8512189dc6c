import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { copyLine, type CopyValue } from "./copy-text-encoding.js";

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
  await copyText(client, table, columns, encode(rows));
}

/** Streams text already in COPY's text format (see copy-text-encoding.ts) into `table`, as copyRows does. */
export async function copyText(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  text: AsyncIterable<string | Uint8Array>,
): Promise<void> {
  const sql = `copy ${table} (${columns.join(", ")}) from stdin`;
  // A deep buffer lets the producer (parsing, in Node) run ahead while PostgreSQL loads: both cores work.
  await pipeline(Readable.from(text, { objectMode: false, highWaterMark: 4 * 1024 * 1024 }), client.query(copyFrom(sql)));
}

/** The rows of `query` as `COPY (query) TO STDOUT` sends them: COPY text, in chunks that may cut a row. */
export function copyQueryOut(client: pg.PoolClient, query: string): Readable {
  return client.query(copyTo(`copy (${query}) to stdout`));
}

async function* encode(rows: AsyncIterable<readonly CopyValue[]> | Iterable<readonly CopyValue[]>): AsyncGenerator<string> {
  // Batch lines into ~64 KiB strings: one stream chunk per row would cost more than the encoding.
  let batch = "";
  for await (const row of rows) {
    batch += copyLine(row);
    if (batch.length >= 65_536) {
      yield batch;
      batch = "";
    }
  }
  if (batch !== "") yield batch;
}
