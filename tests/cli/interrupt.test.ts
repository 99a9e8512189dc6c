import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, dayOf } from "../../src/days.js";
import { sandboxEnterprises, sandboxReports } from "../../src/sandbox/sandbox-data.js";
import { sandboxSeatRoute } from "../../src/sandbox/sandbox-adoption.js";
import { sandboxRepositoryRoutes } from "../../src/sandbox/sandbox-repositories.js";
import { startGitHubServer, type GitHubServer } from "../fakes/github-server.js";
import { createTestDatabase, dumpUsageTables, type TestDatabase } from "../support/database.js";
import { spawnCli } from "./spawn-cli.js";

// Each test spawns the CLI, which loads its SDKs: minutes on a loaded machine, seconds on an idle one.
describe("Ctrl-C during a run", { timeout: 300_000 }, () => {
  const today = dayOf(new Date());
  const range = ["--from", addDays(today, -8), "--to", addDays(today, -2)];
  let github: GitHubServer;
  let interrupted: TestDatabase;
  let uninterrupted: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    [interrupted, uninterrupted] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    github = await startGitHubServer({ reports: sandboxReports(today), token: "sandbox-token", routes: [sandboxSeatRoute(today), ...sandboxRepositoryRoutes(today)] });
    folder = await mkdtemp(path.join(tmpdir(), "cli-interrupt-"));
  });
  afterAll(async () => {
    await github.close();
    await Promise.all([interrupted.drop(), uninterrupted.drop()]);
    await rm(folder, { recursive: true, force: true });
  });

  const env = (database: TestDatabase, output: string) => ({
    ENTERPRISES: JSON.stringify(sandboxEnterprises.map((enterprise) => ({ slug: enterprise.slug, orgs: [...enterprise.orgs] }))),
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: "sandbox-token",
    DATABASE_URL: database.url,
    OUTPUT_DIR: path.join(folder, output),
  });

  it("exits 130, records the run as interrupted, and the next run ends with the tables of an uninterrupted run", async () => {
    let signalled = false;
    const first = await spawnCli(["run", ...range], {
      cwd: folder,
      env: env(interrupted, "out-a"),
      onLine: (line, child) => {
        if (!signalled && /^Plan: [\d,]+ Copilot report units/.test(line)) {
          signalled = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(signalled).toBe(true);
    expect(first.code).toBe(130);
    expect(first.err).toMatch(/^Run cli-\S+ interrupted \(SIGINT\) and recorded as interrupted; the next run resumes where it stopped\.$/m);
    expect(first.err).not.toContain("Unhandled");
    const runs = await interrupted.pool.query<{ status: string; finished: boolean }>("select status, finished_at is not null as finished from collection_runs");
    expect(runs.rows).toEqual([{ status: "interrupted", finished: true }]);
    const left = await interrupted.pool.query<{ collected: string }>("select count(*) as collected from sync_checkpoints where status = 'ok'");

    const [resumed, clean] = await Promise.all([
      spawnCli(["run", ...range], { cwd: folder, env: env(interrupted, "out-a") }),
      spawnCli(["run", ...range], { cwd: folder, env: env(uninterrupted, "out-b") }),
    ]);
    expect([resumed.code, clean.code]).toEqual([0, 0]);
    // The interrupted run had stopped short: the resumed run collected what it had not.
    const total = await uninterrupted.pool.query<{ collected: string }>("select count(*) as collected from sync_checkpoints where status = 'ok'");
    expect(Number(left.rows[0]!.collected)).toBeLessThan(Number(total.rows[0]!.collected));
    expect(await dumpUsageTables(interrupted.pool)).toEqual(await dumpUsageTables(uninterrupted.pool));
    const checkpoints = (pool: TestDatabase["pool"]) =>
      pool.query("select enterprise, scope, organization, report, day::text, status from sync_checkpoints order by 1, 2, 3, 4, 5").then((result) => result.rows);
    expect(await checkpoints(interrupted.pool)).toEqual(await checkpoints(uninterrupted.pool));
  });

  it("closes as aborted, at the next start, a run whose process was killed", async () => {
    const database = uninterrupted;
    // A pid above Linux's pid_max (4194304) never belongs to a live process.
    await database.pool.query("insert into collection_runs (run_id, trigger, status, started_at) values ('cli-killed', 'cli', 'running', now() - interval '1 hour')");
    await database.pool.query("insert into run_processes (run_id, host, pid) values ('cli-killed', $1, 4194305)", [hostname()]);
    const result = await spawnCli(["run", ...range], { cwd: folder, env: { ...env(database, "out-c"), GITHUB_TOKEN: "" } });
    expect(result.code).toBe(2);
    expect(result.out).toContain("Run cli-killed was left running by a process that no longer exists: recorded as aborted.");
    const run = await database.pool.query("select status, finished_at is not null as finished, errors->-1->>'errorClass' as error from collection_runs where run_id = 'cli-killed'");
    expect(run.rows).toEqual([{ status: "aborted", finished: true, error: "RunAborted" }]);
  });
});
