import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { datasets } from "../../src/publish/datasets.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { listFiles, seedCopilot } from "./seed.js";

describe("metrics-collector publish", () => {
  let database: TestDatabase;
  let dir: string;
  const saved = new Map<string, string | undefined>();

  function setEnv(name: string, value: string): void {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    process.env[name] = value;
  }

  async function cli(args: string[]): Promise<{ code: number; out: string[] }> {
    const lines: string[] = [];
    const code = await main(args, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
    return { code, out: lines };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), "publish-command-"));
    setEnv("DATABASE_URL", database.url);
    await seedCopilot(database.pool, ["2026-10-31", "2026-11-01"]);
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("publishes only the datasets, records the run, and exits 0", async () => {
    const out = path.join(dir, "out");
    setEnv("OUTPUT_DIR", out);

    const result = await cli(["publish"]);

    expect(result.code).toBe(0);
    expect(result.out).toContainEqual(expect.stringMatching(/^publish copilot_user_metrics +12 rows in 2 file\(s\)$/));
    expect(await listFiles(out)).toEqual(expect.arrayContaining(["copilot_metrics.csv", "copilot_user_metrics/copilot_user_metrics_202611.csv"]));
    const runs = await database.pool.query("select trigger, status, units_total, publish_status, errors from collection_runs where run_id like 'publish-%'");
    expect(runs.rows).toEqual([{ trigger: "cli", status: "succeeded", units_total: 0, publish_status: "succeeded", errors: [] }]);
  });

  it("records publishing failures on the run and exits 1", async () => {
    // OUTPUT_DIR is a file: no dataset can be written there.
    const blocked = path.join(dir, "not-a-folder");
    await writeFile(blocked, "");
    setEnv("OUTPUT_DIR", blocked);
    await database.pool.query("delete from collection_runs");

    const result = await cli(["publish"]);

    expect(result.code).toBe(1);
    expect(result.out).toContainEqual(expect.stringMatching(/^publish copilot_metrics +FAILED: /));
    const runs = await database.pool.query<{ status: string; publish_status: string; errors: Array<{ unit: string; errorClass: string }> }>(
      "select status, publish_status, errors from collection_runs",
    );
    expect(runs.rows.map((run) => ({ status: run.status, publish_status: run.publish_status }))).toEqual([{ status: "failed", publish_status: "failed" }]);
    expect(runs.rows[0]!.errors.map((error) => error.unit).sort()).toEqual(datasets.map((dataset) => `publish ${dataset.name}`).sort());
  });
});
