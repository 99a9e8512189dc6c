import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { addDays, dayOf } from "../../src/days.js";
import { sandboxEnterprises, sandboxReports } from "../../src/sandbox/sandbox-data.js";
import { sandboxSeatRoute } from "../../src/sandbox/sandbox-adoption.js";
import { sandboxRepositoryRoutes } from "../../src/sandbox/sandbox-repositories.js";
import { startEmbeddedPostgres } from "../../src/db/index.js";
import { startGitHubServer, type GitHubServer } from "../fakes/github-server.js";
import { createTestDatabase, dumpUsageTables, type TestDatabase } from "../support/database.js";
import { spawnCli, type CliResult } from "./spawn-cli.js";

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
    github = await startGitHubServer({
      reports: sandboxReports(today),
      token: "sandbox-token",
      routes: [sandboxSeatRoute(today), ...sandboxRepositoryRoutes(today)],
    });
    folder = await mkdtemp(path.join(tmpdir(), "cli-interrupt-"));
  });
  afterAll(async () => {
    await github.close();
    await Promise.all([interrupted.drop(), uninterrupted.drop()]);
    await rm(folder, { recursive: true, force: true });
  });

  const env = (database: TestDatabase | undefined, output: string) => ({
    ENTERPRISES: JSON.stringify(sandboxEnterprises.map((enterprise) => ({ slug: enterprise.slug, orgs: [...enterprise.orgs] }))),
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: "sandbox-token",
    // Without DATABASE_URL the CLI starts its embedded PostgreSQL in the working directory's .data/.
    ...(database === undefined ? {} : { DATABASE_URL: database.url }),
    OUTPUT_DIR: path.join(folder, output),
  });
  const checkpoints = (pool: TestDatabase["pool"]) =>
    pool
      .query("select enterprise, scope, organization, report, day::text, status from sync_checkpoints order by 1, 2, 3, 4, 5")
      .then((result) => z.array(z.record(z.string(), z.unknown())).parse(result.rows));
  // One uninterrupted run, the yardstick of every test here.
  let cleanRun: Promise<CliResult> | undefined;
  const runClean = () => (cleanRun ??= spawnCli(["run", ...range], { cwd: folder, env: env(uninterrupted, "out-b") }));

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
    const runs = await interrupted.pool.query<{ status: string; finished: boolean }>(
      "select status, finished_at is not null as finished from collection_runs",
    );
    expect(runs.rows).toEqual([{ status: "interrupted", finished: true }]);
    const left = await interrupted.pool.query<{ collected: string }>(
      "select count(*) as collected from sync_checkpoints where status = 'ok'",
    );

    const [resumed, clean] = await Promise.all([spawnCli(["run", ...range], { cwd: folder, env: env(interrupted, "out-a") }), runClean()]);
    expect([resumed.code, clean.code]).toEqual([0, 0]);
    // The interrupted run had stopped short: the resumed run collected what it had not.
    const total = await uninterrupted.pool.query<{ collected: string }>(
      "select count(*) as collected from sync_checkpoints where status = 'ok'",
    );
    expect(Number(left.rows[0]!.collected)).toBeLessThan(Number(total.rows[0]!.collected));
    expect(await dumpUsageTables(interrupted.pool)).toEqual(await dumpUsageTables(uninterrupted.pool));
    expect(await checkpoints(interrupted.pool)).toEqual(await checkpoints(uninterrupted.pool));
  });

  it("keeps the embedded PostgreSQL running when a terminal's Ctrl-C reaches the whole process group, so the run is recorded as interrupted and resumes", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "cli-interrupt-group-"));
    const dataDir = path.join(work, ".data", "postgres");
    // Under root the server runs as the `postgres` user, which must reach the data directory.
    await chmod(work, 0o755);
    try {
      let signalled = false;
      // A terminal sends Ctrl-C's SIGINT to every process of the foreground job's group: the CLI and
      // whatever it spawned into its group.
      const first = await spawnCli(["run", ...range], {
        cwd: work,
        env: env(undefined, "out-group"),
        detached: true,
        onLine: (line, child) => {
          if (!signalled && /^Plan: [\d,]+ Copilot report units/.test(line)) {
            signalled = true;
            process.kill(-child.pid!, "SIGINT");
          }
        },
      });
      expect(signalled).toBe(true);
      expect(first.err).not.toContain("Unhandled");
      expect(first.err).toMatch(
        /^Run cli-\S+ interrupted \(SIGINT\) and recorded as interrupted; the next run resumes where it stopped\.$/m,
      );
      expect(first.code).toBe(130);
      // No summary that would call the interrupted run failed for the units it never started.
      expect(first.out + first.err).not.toMatch(/^(status\b|FAILED)/m);
      // The server stopped when the CLI asked it to, not with the group: nothing is left running on the folder.
      await expect(readFile(path.join(dataDir, "postmaster.pid"), "utf8")).rejects.toThrow(/ENOENT/);

      const status = await spawnCli(["status", "--json"], { cwd: work, env: env(undefined, "out-group") });
      expect(status.code).toBe(0);
      const statusDocument = z
        .object({ runs: z.array(z.object({ status: z.string(), finishedAt: z.string().nullable() })) })
        .parse(JSON.parse(status.out));
      expect(statusDocument.runs.map((run) => ({ status: run.status, finished: run.finishedAt !== null }))).toEqual([
        { status: "interrupted", finished: true },
      ]);

      const [resumed, clean] = await Promise.all([
        spawnCli(["run", ...range], { cwd: work, env: env(undefined, "out-group") }),
        runClean(),
      ]);
      expect([resumed.code, clean.code]).toEqual([0, 0]);
      const embedded = await startEmbeddedPostgres(dataDir, { throwaway: true });
      const pool = new pg.Pool({ connectionString: embedded.connectionString });
      // pool.end() resolves before its sockets have closed; the server's goodbye to one of them, as it
      // shuts down right after, is no fault.
      pool.on("connect", (client) => client.on("error", () => undefined));
      pool.on("error", () => undefined);
      try {
        expect(await dumpUsageTables(pool)).toEqual(await dumpUsageTables(uninterrupted.pool));
        expect(await checkpoints(pool)).toEqual(await checkpoints(uninterrupted.pool));
        const runs = await pool.query("select status from collection_runs order by started_at");
        expect(runs.rows).toEqual([{ status: "interrupted" }, { status: "succeeded" }]);
      } finally {
        await pool.end();
        await embedded.stop();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("closes as aborted, at the next start, a run whose process was killed", async () => {
    const database = uninterrupted;
    // A pid above Linux's pid_max (4194304) never belongs to a live process.
    await database.pool.query(
      "insert into collection_runs (run_id, trigger, status, started_at) values ('cli-killed', 'cli', 'running', now() - interval '1 hour')",
    );
    await database.pool.query("insert into run_processes (run_id, host, pid) values ('cli-killed', $1, 4194305)", [hostname()]);
    const result = await spawnCli(["run", ...range], { cwd: folder, env: { ...env(database, "out-c"), GITHUB_TOKEN: "" } });
    expect(result.code).toBe(2);
    expect(result.out).toContain("Run cli-killed was left running by a process that no longer exists: recorded as aborted.");
    const run = await database.pool.query(
      "select status, finished_at is not null as finished, errors->-1->>'errorClass' as error from collection_runs where run_id = 'cli-killed'",
    );
    expect(run.rows).toEqual([{ status: "aborted", finished: true, error: "RunAborted" }]);
  });
});
