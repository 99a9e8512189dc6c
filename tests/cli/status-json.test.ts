import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, dayOf } from "../../src/days.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { spawnCli } from "./spawn-cli.js";

// Each test spawns the CLI, which loads its SDKs: minutes on a loaded machine, seconds on an idle one.
describe("status --json", { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let folder: string;
  const today = dayOf(new Date());
  beforeAll(async () => {
    database = await createTestDatabase();
    folder = await mkdtemp(path.join(tmpdir(), "cli-status-"));
  });
  afterAll(async () => {
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it("prints one JSON document of the last runs, the data per scope and report with its age, and the failed units", async () => {
    await database.pool.query(
      `insert into collection_runs (run_id, trigger, status, started_at, finished_at, units_total, units_ok, units_pending, units_failed, records)
       values ('run-1', 'cli', 'partial', '2026-11-25T06:00:00Z', '2026-11-25T06:03:00Z', 4, 2, 1, 1, 1234)`,
    );
    await database.pool.query(
      `insert into sync_checkpoints (enterprise, scope, organization, report, day, status, attempts, last_error, error_file, error_line, finished_at) values
         ('contoso', 'enterprise', '', 'enterprise-1-day', $1, 'ok', 0, null, null, null, now()),
         ('contoso', 'enterprise', '', 'enterprise-1-day', $2, 'pending', 0, null, null, null, now()),
         ('contoso', 'organization', 'contoso-web', 'users-1-day', $1, 'failed', 2, 'Report file https://x/0.ndjson is malformed at line 7.', 'https://x/0.ndjson', 7, now())`,
      [addDays(today, -3), addDays(today, -2)],
    );
    const result = await spawnCli(["status", "--json"], { cwd: folder, env: { DATABASE_URL: database.url } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      today,
      runs: [
        {
          runId: "run-1",
          trigger: "cli",
          status: "partial",
          startedAt: "2026-11-25T06:00:00.000Z",
          finishedAt: "2026-11-25T06:03:00.000Z",
          unitsTotal: 4,
          unitsOk: 2,
          unitsPending: 1,
          unitsFailed: 1,
          records: 1234,
        },
      ],
      series: [
        {
          enterprise: "contoso",
          organization: "",
          report: "enterprise-1-day",
          newest: addDays(today, -3),
          ageDays: 3,
          gaps: 1,
          pending: 1,
          failed: 0,
        },
        {
          enterprise: "contoso",
          organization: "contoso-web",
          report: "users-1-day",
          newest: null,
          ageDays: null,
          gaps: 1,
          pending: 0,
          failed: 1,
        },
      ],
      failedUnits: [
        {
          enterprise: "contoso",
          organization: "contoso-web",
          report: "users-1-day",
          day: addDays(today, -3),
          attempts: 2,
          error: "Report file https://x/0.ndjson is malformed at line 7.",
          file: "https://x/0.ndjson",
          line: 7,
        },
      ],
    });
  });
});
