import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Pool } from "../db/index.js";
import type { CsvFormat } from "./csv-format.js";
import { findDataset } from "./datasets.js";
import type { PublishSink } from "./sink.js";
import { writeDatasetFile } from "./write-dataset.js";

export interface PublishOptions {
  format: CsvFormat;
  /** The first day kept in the files (EXPORT_RETENTION_MONTHS before today). */
  firstDay: string;
}

export interface DatasetPublished {
  dataset: string;
  files: number;
  rows: number;
  skipped: number;
}

/** Writes a dataset to a temporary file, then hands the finished file to the sink. */
export async function publishDataset(pool: Pool, sink: PublishSink, name: string, options: PublishOptions): Promise<DatasetPublished> {
  const dataset = findDataset(name);
  const workDir = await mkdtemp(path.join(tmpdir(), "metrics-publish-"));
  try {
    const file = path.join(workDir, `${dataset.name}.csv`);
    const written = await writeDatasetFile(pool, dataset, [options.firstDay], file, options.format);
    await sink.put(`${dataset.name}.csv`, file);
    return { dataset: dataset.name, files: 1, rows: written.rows, skipped: 0 };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
