import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import Cursor from "pg-cursor";
import type { Pool } from "../db/index.js";
import { csvStringifier, formatCell, type CsvFormat } from "./csv-format.js";
import type { Dataset } from "./datasets.js";

const rowsPerRead = 5_000;

export interface WrittenFile {
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * Streams one dataset query into a CSV file: rows come from a server-side cursor a few thousand
 * at a time, so no dataset is ever held in memory whole.
 */
export async function writeDatasetFile(
  pool: Pool,
  dataset: Dataset,
  parameters: unknown[],
  file: string,
  format: CsvFormat,
): Promise<WrittenFile> {
  const client = await pool.connect();
  const cursor = client.query(new Cursor<unknown[]>(dataset.sql, parameters, { rowMode: "array" }));
  let rows = 0;
  let bytes = 0;
  const hash = createHash("sha256");
  async function* cells() {
    for (let batch = await cursor.read(rowsPerRead); batch.length > 0; batch = await cursor.read(rowsPerRead)) {
      for (const row of batch) {
        rows++;
        yield dataset.columns.map((column, index) => formatCell(row[index], column.type, format));
      }
    }
  }
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(cells()), csvStringifier(dataset.columns.map((column) => column.name)), measure, createWriteStream(file));
  } finally {
    await cursor.close().catch(() => undefined);
    client.release();
  }
  return { rows, bytes, sha256: hash.digest("hex") };
}
