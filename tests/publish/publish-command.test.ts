import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { datasets } from "../../src/publish/datasets.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCli } from "../support/run-cli.js";
import { listFiles, seedCopilot } from "./seed.js";

describe("metrics-collector publish", () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), "publish-command-"));
    vi.stubEnv("DATABASE_URL", database.url);
    await seedCopilot(database.pool, ["2026-10-31", "2026-11-01"]);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("publishes only the datasets, records the run, and exits 0", async () => {
    const out = path.join(dir, "out");
    vi.stubEnv("OUTPUT_DIR", out);

    const result = await runCli(["publish"]);

    expect(result.code).toBe(0);
    const count = datasets.length;
    expect(result.out).toContainEqual(
      expect.stringMatching(new RegExp(`^Publish: ${count}/${count} datasets, [\\d,]+ rows, [\\d,]+ files written, [\\d.]+s$`)),
    );
    expect(result.out).toContainEqual(
      expect.stringMatching(new RegExp(`^published +${count} datasets, [\\d,]+ rows, [\\d,]+ files written$`)),
    );
    expect(await listFiles(out)).toEqual(
      expect.arrayContaining(["copilot_metrics.csv", "copilot_user_metrics/copilot_user_metrics_202611.csv"]),
    );
    const runs = await database.pool.query(
      "select trigger, status, units_total, publish_status, errors from collection_runs where run_id like 'publish-%'",
    );
    expect(runs.rows).toEqual([{ trigger: "cli", status: "succeeded", units_total: 0, publish_status: "succeeded", errors: [] }]);
  });

  it("records publishing failures on the run and exits 1", async () => {
    // OUTPUT_DIR is a file: no dataset can be written there.
    const blocked = path.join(dir, "not-a-folder");
    await writeFile(blocked, "");
    vi.stubEnv("OUTPUT_DIR", blocked);
    await database.pool.query("delete from collection_runs");

    const result = await runCli(["publish"]);

    expect(result.code).toBe(1);
    // Every dataset fails naming the file that stands where the folder must be, and the setting to change.
    const failed = result.out.filter((line) => line.startsWith("publish "));
    expect(failed.length).toBeGreaterThan(0);
    expect(
      failed.filter((line) => !/FAILED: Cannot publish .*not-a-folder is a file, not a folder\. Set OUTPUT_DIR to a folder/.test(line)),
    ).toEqual([]);
    const runs = await database.pool.query<{ status: string; publish_status: string; errors: Array<{ unit: string; errorClass: string }> }>(
      "select status, publish_status, errors from collection_runs",
    );
    expect(runs.rows.map((run) => ({ status: run.status, publish_status: run.publish_status }))).toEqual([
      { status: "failed", publish_status: "failed" },
    ]);
    expect(runs.rows[0]!.errors.map((error) => error.unit).sort()).toEqual(datasets.map((dataset) => `publish ${dataset.name}`).sort());
  });
});
