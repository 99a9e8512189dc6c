import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, dayOf } from "../../src/days.js";
import { fakeToken, ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { ndjson, userLine } from "../fixtures/copilot-files.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { createTestDatabase, dumpUsageTables, type TestDatabase } from "../support/database.js";
import { spawnCli } from "./spawn-cli.js";

// Each test spawns the CLI, which loads its SDKs: minutes on a loaded machine, seconds on an idle one.
describe("the database ending the CLI's connections during ingest", { timeout: 600_000 }, () => {
  const day = addDays(dayOf(new Date()), -3);
  // Two files per report: the second one stalls while the unit's transaction holds the first one's rows.
  const table = () =>
    new ReportTable()
      .files("enterprise", "fabrikam", "enterprise-1-day", day, [
        JSON.stringify(enterpriseDay(day, 3)) + "\n",
        JSON.stringify(enterpriseDay(day, 4)) + "\n",
      ])
      .files("enterprise", "fabrikam", "users-1-day", day, [
        ndjson(Array.from({ length: 30 }, (_, i) => userLine(`user${i}`, 100 + i, day, { code_generation_activity_count: i }))),
        ndjson([userLine("user0", 100, day, { code_generation_activity_count: 50 }), userLine("late-user", 999, day)]),
      ]);
  let stalling: GitHubServer;
  let healthy: GitHubServer;
  let cut: TestDatabase;
  let clean: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    [cut, clean, stalling, healthy] = await Promise.all([
      createTestDatabase(),
      createTestDatabase(),
      startFakeGitHub(table()),
      startFakeGitHub(table()),
    ]);
    // Every attempt at a second file stalls after a few bytes, for as long as the run lasts.
    stalling.inject({ target: "download", pathIncludes: `/${day}/1.ndjson`, times: 1000, stallAfterBytes: 100 });
    folder = await mkdtemp(path.join(tmpdir(), "cli-database-lost-"));
  });
  afterAll(async () => {
    await Promise.all([stalling.close(), healthy.close()]);
    await Promise.all([cut.drop(), clean.drop()]);
    await rm(folder, { recursive: true, force: true });
  });

  const env = (database: TestDatabase, github: GitHubServer, output: string) => ({
    ENTERPRISES: JSON.stringify([{ slug: "fabrikam", orgs: [] }]),
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: fakeToken,
    DATABASE_URL: database.url,
    OUTPUT_DIR: path.join(folder, output),
  });

  // The seats and billing listings still succeed, so the run is partial: `failed` is kept for a run in
  // which no collection unit succeeded.
  it("exits 1 with its summary, records both report units as failed, and the next run ends with a clean run's tables", async () => {
    // An object, so the loop below reads what the callback sets (a `let` would be narrowed to `true`).
    const running = { now: true };
    const ended: number[] = [];
    const first = spawnCli(["run", "--from", day, "--to", day], { cwd: folder, env: env(cut, stalling, "out-a") }).finally(
      () => (running.now = false),
    );
    // As a failover would: every connection copying a unit's rows (stuck on its second file) is ended, attempt after attempt.
    const admin = new pg.Client({ connectionString: cut.url });
    await admin.connect();
    try {
      while (running.now) {
        const result = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and query ilike 'copy %' and now() - xact_start > interval '500 milliseconds'`,
        );
        if ((result.rowCount ?? 0) > 0) ended.push(result.rowCount ?? 0);
        await sleep(100);
      }
    } finally {
      await admin.end();
    }
    const result = await first;
    expect(result.err).not.toContain("Unhandled");
    expect(result.code).toBe(1);
    // Each unit's connection was ended on every one of its attempts.
    expect(ended.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(2);
    expect(result.out).toMatch(/^status +partial$/m);
    expect(result.out).toMatch(/^units +6 \(ok 2, not yet available 2, failed 2\)$/m);
    expect(result.out).toMatch(
      /^FAILED fabrikam enterprise-1-day .*PostgreSQL closed the connection during the unit's transaction on all \d+ attempts/m,
    );
    expect(result.out).toMatch(
      /^FAILED fabrikam users-1-day .*PostgreSQL closed the connection during the unit's transaction on all \d+ attempts/m,
    );
    const runs = await cut.pool.query("select status, units_failed, finished_at is not null as finished from collection_runs");
    expect(runs.rows).toEqual([{ status: "partial", units_failed: 2, finished: true }]);
    const failed = await cut.pool.query("select report, status from sync_checkpoints where status = 'failed' order by report");
    expect(failed.rows).toEqual([
      { report: "enterprise-1-day", status: "failed" },
      { report: "users-1-day", status: "failed" },
    ]);
    const users = await cut.pool.query("select count(*)::int as n from copilot_user_daily");
    expect(users.rows).toEqual([{ n: 0 }]);

    const [next, reference] = await Promise.all([
      spawnCli(["run", "--from", day, "--to", day], { cwd: folder, env: env(cut, healthy, "out-a") }),
      spawnCli(["run", "--from", day, "--to", day], { cwd: folder, env: env(clean, healthy, "out-b") }),
    ]);
    expect([next.code, reference.code]).toEqual([0, 0]);
    expect(await dumpUsageTables(cut.pool)).toEqual(await dumpUsageTables(clean.pool));
    expect((await dumpUsageTables(clean.pool))[2]).toHaveLength(31);
  });
});
