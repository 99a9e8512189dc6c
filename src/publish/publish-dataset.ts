import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Pool } from "../db/index.js";
import { csvPreamble, type CsvFormat } from "./csv-format.js";
import { findDataset, type Dataset } from "./datasets.js";
import {
  datasetFilePath,
  monthsBetween,
  nextMonth,
  partitionFolder,
  partitionPath,
  retentionStart,
  snapshotDay,
  snapshotPath,
} from "./library-layout.js";
import { publishManifest, unpublish, type ManifestKind, type PublishManifest } from "./publish-manifest.js";
import type { PublishSink } from "./sink.js";
import { SnapshotFile } from "./snapshot-file.js";
import type { UserIdentity } from "./user-identity.js";
import { hasUserColumn, writeDatasetFile, type WriteOptions, type WrittenFile } from "./write-dataset.js";

export interface PublishOptions {
  runId: string;
  /** The run's day (UTC): retention counts back from it, snapshots are named for it. */
  day: string;
  format: CsvFormat;
  /** USER_IDENTITY, asked for only by datasets with a person in them (the key may come from Key Vault). */
  userIdentity: () => Promise<UserIdentity>;
  /** EXPORT_RETENTION_MONTHS: the run day's month and the months before it that are kept. */
  retentionMonths: number;
  /** EXPORT_SNAPSHOTS: keep a dated copy of the dataset under archive/YYYY/. */
  snapshots: boolean;
}

export interface DatasetPublished {
  dataset: string;
  /** Files uploaded. */
  files: number;
  rows: number;
  /** Partitions whose bytes had not changed since they were last published: not uploaded again. */
  skipped: number;
}

/** Monthly files written at once: two keep both cores busy without crowding the connection pool. */
const monthsInFlight = 2;

interface MonthFile {
  target: string;
  file: string;
  written: WrittenFile;
}

interface Publication {
  pool: Pool;
  sink: PublishSink;
  manifest: PublishManifest;
  dataset: Dataset;
  options: PublishOptions;
  write: WriteOptions;
  workDir: string;
  firstDay: string;
}

/**
 * Publishes one dataset of docs/power-bi.md to the sink: each file is written to a temporary file (streamed
 * from PostgreSQL), then handed to the sink. A fixed-path dataset is rewritten every run; a monthly
 * partition only when its bytes changed (the hashes are kept in publish_manifest). Partitions and
 * snapshots older than the retention are removed.
 */
export async function publishDataset(
  pool: Pool,
  sink: PublishSink,
  which: string | Dataset,
  options: PublishOptions,
): Promise<DatasetPublished> {
  const dataset = typeof which === "string" ? findDataset(which) : which;
  const identity: UserIdentity = hasUserColumn(dataset) ? await options.userIdentity() : { mode: "none" };
  const workDir = await mkdtemp(path.join(tmpdir(), "metrics-publish-"));
  const publication: Publication = {
    pool,
    sink,
    manifest: publishManifest(pool, sink.description),
    dataset,
    options,
    write: { format: options.format, identity },
    workDir,
    firstDay: retentionStart(options.day, options.retentionMonths),
  };
  try {
    // A single-file dataset's snapshot is its file (see publishFile); only partitions are joined into one.
    const snapshot =
      options.snapshots && dataset.partition === "month"
        ? new SnapshotFile(path.join(workDir, "snapshot.csv"), csvPreamble(dataset.columns.map((c) => c.name)))
        : undefined;
    try {
      const published = dataset.partition === "month" ? await publishPartitions(publication, snapshot) : await publishFile(publication);
      if (snapshot !== undefined) {
        const written = await snapshot.close();
        await put(publication, snapshotPath(dataset.name, options.day), "snapshot", snapshot.path, written);
        published.files += 1;
      }
      await removeExpiredSnapshots(publication);
      return published;
    } finally {
      await snapshot?.close().catch(() => undefined);
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function publishFile(publication: Publication): Promise<DatasetPublished> {
  const { dataset, options } = publication;
  const file = path.join(publication.workDir, `${dataset.name}.csv`);
  const written = await writeDatasetFile(publication.pool, dataset, [publication.firstDay], file, publication.write);
  // Small and bound by Power BI at a fixed path: rewritten every run, so a deleted file comes back.
  await put(publication, datasetFilePath(dataset.name), "file", file, written);
  // The snapshot holds the same bytes: the written file goes to the sink again, not read back and copied.
  if (options.snapshots) await put(publication, snapshotPath(dataset.name, options.day), "snapshot", file, written);
  return { dataset: dataset.name, files: options.snapshots ? 2 : 1, rows: written.rows, skipped: 0 };
}

async function publishPartitions(publication: Publication, snapshot: SnapshotFile | undefined): Promise<DatasetPublished> {
  const { dataset, sink, manifest } = publication;
  const folder = partitionFolder(dataset.name);
  const ours = new RegExp(`^${folder}/${dataset.name}_\\d{6}\\.csv$`);
  // The listing, not only the manifest: a partition deleted by hand is uploaded again.
  const [listed, known] = await Promise.all([sink.list(folder), manifest.entries(dataset.name, "partition")]);
  const present = new Set(listed.filter((file) => ours.test(file)));
  const months = monthsBetween(publication.firstDay, publication.options.day);
  const wanted = new Set<string>();
  const result: DatasetPublished = { dataset: dataset.name, files: 0, rows: 0, skipped: 0 };
  // The next months are written while this one is compared and uploaded: PostgreSQL, Node and the
  // upload each have work at the same time.
  const started: Array<Promise<MonthFile>> = [];
  const start = (index: number) => {
    const month = months[index];
    if (month === undefined) return;
    const target = partitionPath(dataset.name, month);
    const file = path.join(publication.workDir, path.basename(target));
    const writing = writeDatasetFile(publication.pool, dataset, [month, nextMonth(month)], file, publication.write).then((written) => ({
      target,
      file,
      written,
    }));
    // Awaited in turn below; a failure before its turn must not be an unhandled rejection.
    writing.catch(() => undefined);
    started.push(writing);
  };
  try {
    for (let index = 0; index < monthsInFlight; index++) start(index);
    // start() appends the month monthsInFlight ahead as each one is taken, so the loop meets every month, in order.
    for (const [index, writing] of started.entries()) {
      const { target, file, written } = await writing;
      start(index + monthsInFlight);
      // Months without rows have no file, except that an empty dataset keeps its current month's
      // (header only): Power BI cannot combine an empty folder.
      const last = index === months.length - 1;
      if (written.rows > 0 || (last && wanted.size === 0)) {
        wanted.add(target);
        result.rows += written.rows;
        await snapshot?.append(file, written.rows);
        if (known.get(target)?.sha256 === written.sha256 && present.has(target)) {
          result.skipped += 1;
        } else {
          await put(publication, target, "partition", file, written);
          result.files += 1;
        }
      }
      await rm(file, { force: true });
    }
  } finally {
    // Nothing may still be writing into the work folder when it is deleted.
    await Promise.allSettled(started);
  }
  for (const stale of new Set([...present, ...known.keys()])) {
    if (!wanted.has(stale)) await unpublish(sink, manifest, stale);
  }
  return result;
}

async function put(publication: Publication, target: string, kind: ManifestKind, file: string, written: WrittenFile): Promise<void> {
  await publication.sink.put(target, file);
  await publication.manifest.record(
    { path: target, dataset: publication.dataset.name, kind, sha256: written.sha256, rows: written.rows, bytes: written.bytes },
    publication.options.runId,
  );
}

/** Snapshots older than the retention go, whether or not EXPORT_SNAPSHOTS is still on. */
async function removeExpiredSnapshots(publication: Publication): Promise<void> {
  const { dataset, manifest, sink } = publication;
  for (const snapshot of (await manifest.entries(dataset.name, "snapshot")).keys()) {
    const day = snapshotDay(dataset.name, snapshot);
    if (day !== undefined && day < publication.firstDay) await unpublish(sink, manifest, snapshot);
  }
}
