import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { activityNames, collectOrchestrator, createActivities, runLocally, type Activity } from "../../src/pipeline/index.js";
import { createFolderSink, datasets } from "../../src/publish/index.js";
import { createSecretSource } from "../../src/secrets/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// Durable Functions keeps every activity input and output in the orchestration's history and moves
// any message over 45 KB through blob storage on every replay; the target leaves room under that.
const targetBytes = 16 * 1024;

const longest = (length: number, seed: string) => `${seed} ${"x".repeat(length)}`.slice(0, length);
/** The largest failure an activity returns: summarize() keeps 2,000 characters of message. */
const failure = (seed: string) => ({
  ok: false,
  error: { errorClass: "ReportDownloadError", message: longest(2000, seed), file: longest(200, seed), line: 123_456 },
});

/**
 * The bookkeeping activities (startRun, planUnits, finishRun, the plan lookup of ingestReport) as
 * they are, on PostgreSQL; the GitHub-facing work answers at once with the largest result its type
 * allows: every unit fails with the longest message and brings a warning of its own.
 */
function worstCase(pool: TestDatabase["pool"], outputDir: string): Record<string, Activity> {
  const real = createActivities({
    pool,
    settings: parseSettings({ OUTPUT_DIR: outputDir }),
    github: () => {
      throw new Error("GitHub is not called here");
    },
    sink: createFolderSink(outputDir),
    secrets: createSecretSource({ env: {} }),
  });
  const unitOf = (input: unknown) => JSON.stringify(input);
  return {
    [activityNames.startRun]: real[activityNames.startRun]!,
    [activityNames.checkAccess]: async () => ({ ok: true }),
    [activityNames.planUnits]: real[activityNames.planUnits]!,
    [activityNames.finishRun]: real[activityNames.finishRun]!,
    [activityNames.ingestReport]: async (input) => ({
      ...failure(unitOf(input)),
      unit: { label: longest(120, unitOf(input)), enterprise: longest(40, "enterprise"), report: "user-teams-1-day" },
    }),
    [activityNames.snapshotSeats]: async (input) => failure(unitOf(input)),
    [activityNames.listRepositories]: async () => ({ ok: true, status: "ok", records: 3000, repositories: 3000, shards: 120 }),
    [activityNames.syncRepositories]: async (input) => ({
      ok: true,
      status: "pending",
      records: 10,
      warning: longest(1000, unitOf(input)),
    }),
    [activityNames.collectPremiumUsage]: async (input) => failure(unitOf(input)),
    [activityNames.computeMetrics]: async (input) => failure(unitOf(input)),
    [activityNames.publishDataset]: async (input) => ({ dataset: (input as { dataset: string }).dataset, ...failure(unitOf(input)) }),
  };
}

/** The largest JSON input and output seen per activity, and the custom status. */
async function measure(
  database: TestDatabase,
  enterprises: number,
  organizations: number,
): Promise<{ largest: Record<string, { input: number; output: number }>; customStatus: number; units: number }> {
  const outputDir = await mkdtemp(path.join(tmpdir(), "payloads-"));
  const activities = worstCase(database.pool, outputDir);
  const largest: Record<string, { input: number; output: number }> = {};
  let units = 0;
  const measured = Object.fromEntries(
    Object.entries(activities).map(([name, activity]): [string, Activity] => [
      name,
      async (input) => {
        const output = await activity(input);
        const sizes = (largest[name] ??= { input: 0, output: 0 });
        sizes.input = Math.max(sizes.input, Buffer.byteLength(JSON.stringify(input)));
        // An activity that returns nothing (startRun) sends no output.
        sizes.output = Math.max(sizes.output, output === undefined ? 0 : Buffer.byteLength(JSON.stringify(output)));
        if (name === activityNames.planUnits) units += (output as { units: number }).units;
        return output;
      },
    ]),
  );
  let customStatus = 0;
  const input = {
    runId: `payloads-${enterprises}x${organizations}`,
    trigger: "timer",
    enterprises: Array.from({ length: enterprises }, (_, e) => ({
      slug: `enterprise-${String(e).padStart(2, "0")}`,
      orgs: Array.from(
        { length: organizations },
        (_, o) => `enterprise-${String(e).padStart(2, "0")}-organization-${String(o).padStart(2, "0")}`,
      ),
    })),
    backfillDays: 28,
    repollDays: 3,
    datasets: datasets.map((dataset) => dataset.name),
  };
  await runLocally(collectOrchestrator, input, {
    activities: measured,
    concurrency: 8,
    now: () => new Date("2026-11-25T06:00:00Z"),
    onStatus: (status) => void (customStatus = Math.max(customStatus, Buffer.byteLength(JSON.stringify(status)))),
  });
  return { largest, customStatus, units };
}

describe("activity payloads", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());

  it("stay under 16 KB in and out for every activity of a first run of 50 enterprises × 10 organizations, every unit failing", async () => {
    const { largest, customStatus, units } = await measure(database, 50, 10);
    // The first run's backfill: 28 days of every report series of 550 scopes.
    expect(units).toBe(31_900);
    expect(Object.keys(largest).sort()).toEqual(Object.values(activityNames).sort());
    const over = Object.entries(largest).flatMap(([name, sizes]) => [
      ...(sizes.input >= targetBytes ? [`${name} input ${sizes.input} B`] : []),
      ...(sizes.output >= targetBytes ? [`${name} output ${sizes.output} B`] : []),
    ]);
    expect(over).toEqual([]);
    expect(customStatus).toBeLessThan(targetBytes);
    // The plan itself stays in the database until the run is recorded.
    expect((await database.pool.query("select count(*)::int as n from run_plan_units")).rows).toEqual([{ n: 0 }]);
    // 31,900 units planned, stored and handed out: minutes on a loaded machine.
  }, 300_000);

  it("stay under 16 KB at 12 enterprises × 4 organizations too", async () => {
    const { largest } = await measure(database, 12, 4);
    expect(Math.max(...Object.values(largest).flatMap((sizes) => [sizes.input, sizes.output]))).toBeLessThan(targetBytes);
  });
});
