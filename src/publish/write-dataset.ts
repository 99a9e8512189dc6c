import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { copyQueryOut, type Pool, type PoolClient } from "../db/index.js";
import { wholeRows } from "./copy-text-decoding.js";
import { csvEncoder, csvPreamble, type CsvFormat } from "./csv-format.js";
import type { Dataset } from "./datasets.js";
import type { UserIdentity } from "./user-identity.js";

export interface WriteOptions {
  format: CsvFormat;
  identity: UserIdentity;
}

export interface WrittenFile {
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * Streams one dataset query into a CSV file: `COPY (query) TO STDOUT` sends rows as PostgreSQL
 * produces them, each chunk of whole rows is encoded by csv-stringify and written as it arrives (back-pressure pauses
 * the server), so no dataset is ever held in memory whole. Returns the count, size and hash of the bytes.
 */
export async function writeDatasetFile(
  pool: Pool,
  dataset: Dataset,
  parameters: string[],
  file: string,
  options: WriteOptions,
): Promise<WrittenFile> {
  const encode = csvEncoder(dataset, options.format, options.identity);
  const preamble = csvPreamble(dataset.columns.map((column) => column.name));
  const hash = createHash("sha256").update(preamble);
  let rows = 0;
  let bytes = preamble.length;
  const toCsv = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        const encoded = encode(chunk);
        rows += encoded.rows;
        bytes += encoded.csv.length;
        hash.update(encoded.csv);
        done(null, encoded.csv);
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
      }
    },
  });
  const client = await pool.connect();
  const out = createWriteStream(file);
  out.write(preamble);
  try {
    await client.query("begin read only");
    await textOutputSettings(client);
    await pipeline(copyQueryOut(client, inline(client, dataset, parameters)), wholeRows(), toCsv, out);
    await client.query("commit");
  } catch (error) {
    out.destroy();
    // A COPY cut short can leave the connection mid-protocol: it is closed, not returned to the pool.
    client.release(true);
    throw error;
  }
  client.release();
  return { rows, bytes, sha256: hash.digest("hex") };
}

/** What cellCast expects of PostgreSQL's text output, and room to sort; `set local` ends with the transaction. */
async function textOutputSettings(client: PoolClient): Promise<void> {
  await client.query("set local datestyle = 'ISO, YMD'");
  await client.query("set local timezone = 'UTC'");
  // A month of user rows sorts in memory instead of in temporary files.
  await client.query("set local work_mem = '64MB'");
}

/**
 * COPY takes no bind parameters, so `$1`, `$2` become quoted literals. They are days the publisher
 * computes itself (retention start, month bounds), never outside input, and escapeLiteral quotes them.
 */
function inline(client: PoolClient, dataset: Dataset, parameters: string[]): string {
  // Whole-line comments go first: they may mention parameters the query does not use.
  const sql = dataset.sql.replace(/^\s*--.*$/gm, "");
  return sql.replace(/\$(\d+)\b/g, (placeholder, index: string) => {
    const value = parameters[Number(index) - 1];
    if (value === undefined)
      throw new Error(`The query of dataset ${dataset.name} uses ${placeholder} but was given ${parameters.length} parameter(s).`);
    return client.escapeLiteral(value);
  });
}

/** Whether a dataset has a person in it (a column that USER_IDENTITY applies to). */
export function hasUserColumn(dataset: Dataset): boolean {
  return dataset.columns.some((column) => column.type === "user");
}
