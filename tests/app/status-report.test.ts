import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printStatus } from "../../src/app/status-report.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("metrics-collector status", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());

  it("lists the last runs, the newest day per scope and report, and failed units with their error", async () => {
    await database.pool.query(
      `insert into collection_runs (run_id, trigger, status, started_at, finished_at, units_failed, records)
       values ('run-1', 'cli', 'partial', '2026-11-25T06:00:00Z', '2026-11-25T06:03:00Z', 1, 1234)`,
    );
    await database.pool.query(
      `insert into sync_checkpoints (enterprise, scope, organization, report, day, status, attempts, last_error, error_file, error_line, finished_at) values
         ('contoso', 'enterprise', '', 'enterprise-1-day', '2026-11-22', 'ok', 0, null, null, null, now()),
         ('contoso', 'enterprise', '', 'enterprise-1-day', '2026-11-23', 'ok', 0, null, null, null, now()),
         ('contoso', 'enterprise', '', 'enterprise-1-day', '2026-11-24', 'pending', 0, null, null, null, now()),
         ('contoso', 'organization', 'contoso-web', 'users-1-day', '2026-11-23', 'failed', 2,
          'Report file https://x/0.ndjson is malformed at line 7: Unexpected token.', 'https://x/0.ndjson', 7, now())`,
    );
    const lines: string[] = [];
    await printStatus(database.pool, "2026-11-25", (line) => lines.push(line));
    expect(lines).toEqual([
      "Last runs:",
      "  2026-11-25T06:00:00.000Z  partial    1234 records, 1 failed units  (run-1)",
      "",
      "Collected data:",
      "  contoso enterprise-1-day: newest 2026-11-23 (2 days old), 1 not yet available, 0 failed",
      "  contoso/contoso-web users-1-day: newest none, 0 not yet available, 1 failed",
      "",
      "Failed units (retried by the next run):",
      "  contoso/contoso-web users-1-day 2026-11-23 (attempts 2): Report file https://x/0.ndjson is malformed at line 7: Unexpected token. [https://x/0.ndjson:7]",
    ]);
  });
});
