import { mkdtemp, rm, stat, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectionRuns, copilotBreakdown, copilotMetrics, copilotUserMetrics } from "../../src/publish/datasets.js";
import { createFolderSink } from "../../src/publish/folder-sink.js";
import { publishDataset, type DatasetPublished, type PublishOptions } from "../../src/publish/publish-dataset.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { listFiles, readCsv, seedCopilot, seedRun } from "./seed.js";

// The datasets of this issue; the DORA, velocity, premium and adoption ones have their own tests.
const datasets = [copilotMetrics, copilotBreakdown, copilotUserMetrics, collectionRuns];

function options(day: string, extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    runId: `run-${day}`,
    day,
    format: { decimalSeparator: "." },
    userIdentity: async () => ({ mode: "login" }),
    retentionMonths: 13,
    snapshots: false,
    ...extra,
  };
}

describe("publishing the datasets to a folder", () => {
  let database: TestDatabase;
  let out: string;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await database.pool.query(
      "truncate copilot_usage_daily, copilot_usage_breakdown, copilot_user_daily, collection_runs, publish_manifest",
    );
    out = await mkdtemp(path.join(tmpdir(), "publish-dataset-"));
    return () => rm(out, { recursive: true, force: true });
  });

  async function publishAll(day: string, extra: Partial<PublishOptions> = {}): Promise<DatasetPublished[]> {
    const sink = createFolderSink(out);
    const results: DatasetPublished[] = [];
    for (const dataset of datasets) results.push(await publishDataset(database.pool, sink, dataset.name, options(day, extra)));
    return results;
  }

  async function inode(file: string): Promise<number> {
    return (await stat(path.join(out, file))).ino;
  }

  it("lays out fixed-path files, monthly partitions and dated snapshots, one row per grain", async () => {
    await seedCopilot(database.pool, ["2026-10-30", "2026-10-31", "2026-11-01"]);
    await seedRun(database.pool, "run-2026-11-02", "2026-11-02T06:00:00Z");

    const results = await publishAll("2026-11-02", { snapshots: true });

    expect(results).toEqual([
      { dataset: "copilot_metrics", files: 2, rows: 6, skipped: 0 },
      { dataset: "copilot_breakdown", files: 3, rows: 12, skipped: 0 },
      { dataset: "copilot_user_metrics", files: 3, rows: 18, skipped: 0 },
      { dataset: "collection_runs", files: 2, rows: 1, skipped: 0 },
    ]);
    expect(await listFiles(out)).toEqual([
      "archive/2026/collection_runs_20261102.csv",
      "archive/2026/copilot_breakdown_20261102.csv",
      "archive/2026/copilot_metrics_20261102.csv",
      "archive/2026/copilot_user_metrics_20261102.csv",
      "collection_runs.csv",
      "copilot_breakdown/copilot_breakdown_202610.csv",
      "copilot_breakdown/copilot_breakdown_202611.csv",
      "copilot_metrics.csv",
      "copilot_user_metrics/copilot_user_metrics_202610.csv",
      "copilot_user_metrics/copilot_user_metrics_202611.csv",
    ]);

    const october = await readCsv(path.join(out, "copilot_user_metrics/copilot_user_metrics_202610.csv"));
    const november = await readCsv(path.join(out, "copilot_user_metrics/copilot_user_metrics_202611.csv"));
    expect(october[0]).toEqual(copilotUserMetrics.columns.map((column) => column.name));
    expect(october.slice(1, 4).map((row) => row.slice(0, 7))).toEqual([
      ["contoso", "", "2026-10-30", "mona-lisa-x1", "3", "4", "2"],
      ["contoso", "", "2026-10-30", "hubot-x2", "3", "4", "2"],
      ["contoso", "", "2026-10-30", "zoe-x3", "3", "4", "2"],
    ]);
    expect([october.length - 1, november.length - 1]).toEqual([12, 6]);
    // The snapshot is the whole dataset: the partitions' records under one header.
    const snapshot = await readCsv(path.join(out, "archive/2026/copilot_user_metrics_20261102.csv"));
    expect(snapshot).toEqual([...october, ...november.slice(1)]);

    for (const dataset of datasets) {
      const files = (await listFiles(out)).filter((file) => file === `${dataset.name}.csv` || file.startsWith(`${dataset.name}/`));
      const records = (await Promise.all(files.map((file) => readCsv(path.join(out, file))))).flatMap((rows) => rows.slice(1));
      const header = (await readCsv(path.join(out, files[0]!)))[0]!;
      const keys = records.map((record) => (dataset.grain ?? []).map((column) => record[header.indexOf(column)]).join("|"));
      expect({ dataset: dataset.name, unique: new Set(keys).size, rows: keys.length }).toEqual({
        dataset: dataset.name,
        unique: keys.length,
        rows: keys.length,
      });
    }
    const runs = await readCsv(path.join(out, "collection_runs.csv"));
    expect(runs).toEqual([
      [
        "run_id",
        "trigger",
        "status",
        "started_at",
        "finished_at",
        "duration_seconds",
        "range_from",
        "range_to",
        "units_total",
        "units_ok",
        "units_pending",
        "units_failed",
        "records",
        "publish_status",
        "error_count",
        "oldest_newest_day",
        "freshness",
      ],
      [
        "run-2026-11-02",
        "cli",
        "succeeded",
        "2026-11-02T06:00:00Z",
        "2026-11-02T06:01:35Z",
        "95.0",
        "",
        "",
        "4",
        "4",
        "0",
        "0",
        "12",
        "succeeded",
        "0",
        "2026-10-30",
        '{"users-1-day": "2026-10-30", "enterprise-1-day": "2026-10-31"}',
      ],
    ]);
  });

  it("rewrites no partition when the data is unchanged, and only the changed month when one changes", async () => {
    await seedCopilot(database.pool, ["2026-10-30", "2026-10-31", "2026-11-01"]);
    await publishAll("2026-11-02");
    const partitions = ["copilot_user_metrics/copilot_user_metrics_202610.csv", "copilot_user_metrics/copilot_user_metrics_202611.csv"];
    const first = await Promise.all(partitions.map(inode));

    const again = await publishAll("2026-11-02");
    expect(again.map(({ dataset, files, skipped }) => ({ dataset, files, skipped }))).toEqual([
      { dataset: "copilot_metrics", files: 1, skipped: 0 },
      { dataset: "copilot_breakdown", files: 0, skipped: 2 },
      { dataset: "copilot_user_metrics", files: 0, skipped: 2 },
      { dataset: "collection_runs", files: 1, skipped: 0 },
    ]);
    expect(await Promise.all(partitions.map(inode))).toEqual(first);

    await database.pool.query(
      "update copilot_user_daily set code_generation_activity_count = 99 where day = '2026-10-31' and user_id = 583002",
    );
    const changed = await publishDataset(database.pool, createFolderSink(out), "copilot_user_metrics", options("2026-11-02"));
    expect(changed).toEqual({ dataset: "copilot_user_metrics", files: 1, rows: 18, skipped: 1 });
    const [october, november] = await Promise.all(partitions.map(inode));
    expect(october).not.toBe(first[0]);
    expect(november).toBe(first[1]);
    const manifest = await database.pool.query(
      "select path, kind, rows from publish_manifest where dataset = 'copilot_user_metrics' order by path",
    );
    expect(manifest.rows).toEqual([
      { path: partitions[0], kind: "partition", rows: 12 },
      { path: partitions[1], kind: "partition", rows: 6 },
    ]);
  });

  it("uploads a partition deleted by hand again, though its hash is in the manifest", async () => {
    await seedCopilot(database.pool, ["2026-10-31", "2026-11-01"]);
    await publishAll("2026-11-02");
    await unlink(path.join(out, "copilot_breakdown/copilot_breakdown_202610.csv"));

    const result = await publishDataset(database.pool, createFolderSink(out), "copilot_breakdown", options("2026-11-02"));

    expect(result).toEqual({ dataset: "copilot_breakdown", files: 1, rows: 8, skipped: 1 });
    expect(await listFiles(path.join(out, "copilot_breakdown"))).toEqual(["copilot_breakdown_202610.csv", "copilot_breakdown_202611.csv"]);
  });

  it("removes partitions and snapshots older than EXPORT_RETENTION_MONTHS, and months left without rows", async () => {
    await seedCopilot(database.pool, ["2026-09-15", "2026-10-31", "2026-11-01"]);
    await publishAll("2026-09-20", { snapshots: true });
    await publishAll("2026-11-02", { snapshots: true });
    await database.pool.query("delete from copilot_user_daily where day = '2026-10-31'");

    await publishAll("2026-11-03", { retentionMonths: 2, snapshots: false });

    expect(await listFiles(out)).toEqual([
      "archive/2026/collection_runs_20261102.csv",
      "archive/2026/copilot_breakdown_20261102.csv",
      "archive/2026/copilot_metrics_20261102.csv",
      "archive/2026/copilot_user_metrics_20261102.csv",
      "collection_runs.csv",
      "copilot_breakdown/copilot_breakdown_202610.csv",
      "copilot_breakdown/copilot_breakdown_202611.csv",
      "copilot_metrics.csv",
      "copilot_user_metrics/copilot_user_metrics_202611.csv",
    ]);
    const manifest = await database.pool.query("select path from publish_manifest where path like '%user_metrics%' order by path");
    expect(manifest.rows.map((row: { path: string }) => row.path)).toEqual([
      "archive/2026/copilot_user_metrics_20261102.csv",
      "copilot_user_metrics/copilot_user_metrics_202611.csv",
    ]);
    const metrics = await readCsv(path.join(out, "copilot_metrics.csv"));
    expect(metrics.slice(1).map((row) => row[2])).toEqual(["2026-10-31", "2026-11-01", "2026-10-31", "2026-11-01"]);
  });

  it("publishes an empty partitioned dataset as its current month with only the header", async () => {
    const empty = {
      ...copilotUserMetrics,
      name: "empty_users",
      sql: copilotUserMetrics.sql.replace("where day >= $1", "where false and day >= $1"),
    };
    const result = await publishDataset(database.pool, createFolderSink(out), empty, options("2026-11-02"));
    expect(result).toEqual({ dataset: "empty_users", files: 1, rows: 0, skipped: 0 });
    expect(await listFiles(out)).toEqual(["empty_users/empty_users_202611.csv"]);
    expect(await readCsv(path.join(out, "empty_users/empty_users_202611.csv"))).toEqual([
      copilotUserMetrics.columns.map((column) => column.name),
    ]);
  });
});
