import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reportKinds } from "../../src/github/index.js";
import { checkHealth, liveness } from "../../src/app/health.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const now = new Date("2026-11-25T12:00:00Z");
const enterprises = [{ slug: "contoso", orgs: ["contoso-web"] }];
// Every (organization, series) the health check expects for that configuration.
const sources = [
  ...reportKinds
    .filter((kind) => kind.scope === "enterprise" && kind.period === "1-day")
    .map((kind) => ({ scope: "enterprise", organization: "", report: kind.report })),
  ...reportKinds
    .filter((kind) => kind.scope === "organization" && kind.period === "1-day")
    .map((kind) => ({ scope: "organization", organization: "contoso-web", report: kind.report })),
];

describe("GET /api/health", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await database.pool.query("delete from sync_checkpoints; delete from collection_runs");
  });

  /** Each source: a day collected 30 hours ago, and a poll `hoursAgo` that found the next day not generated yet. */
  async function collected(hoursAgo: (source: (typeof sources)[number]) => number) {
    for (const source of sources) {
      await database.pool.query(
        `insert into sync_checkpoints (enterprise, scope, organization, report, day, status, finished_at)
         values ('contoso', $1, $2, $3, '2026-11-23', 'ok', $4), ('contoso', $1, $2, $3, '2026-11-24', 'pending', $5),
                ('contoso', $1, $2, $3, '2026-11-22', 'failed', $6)`,
        [
          source.scope,
          source.organization,
          source.report,
          new Date(now.getTime() - 30 * 3_600_000),
          new Date(now.getTime() - hoursAgo(source) * 3_600_000),
          now,
        ],
      );
    }
    await database.pool.query(
      "insert into collection_runs (run_id, trigger, status, started_at, finished_at) values ('collect-2026-11-25', 'timer', 'succeeded', '2026-11-25T06:00:00Z', '2026-11-25T06:20:00Z')",
    );
  }

  it("answers 200 when the database answers and GitHub answered for every source within 26 hours, late reports or not", async () => {
    await collected(() => 6);
    const health = await checkHealth(async () => database.pool, enterprises, now);
    expect(health.status).toBe(200);
    expect(health.jsonBody).toEqual({
      status: "healthy",
      database: "reachable",
      checkedAt: "2026-11-25T12:00:00.000Z",
      staleAfterHours: 26,
      sources: sources.map((source) => ({
        enterprise: "contoso",
        organization: source.organization,
        report: source.report,
        newestDay: "2026-11-23",
        polledAt: "2026-11-25T06:00:00.000Z",
        hoursSincePolled: 6,
        stale: false,
      })),
      lastRun: {
        runId: "collect-2026-11-25",
        status: "succeeded",
        startedAt: "2026-11-25T06:00:00.000Z",
        finishedAt: "2026-11-25T06:20:00.000Z",
      },
    });
  });

  it("answers 503 naming the source not polled successfully for more than 26 hours (failed polls do not count)", async () => {
    await collected((source) => (source.organization === "contoso-web" && source.report === "users-1-day" ? 27.5 : 2));
    const health = await checkHealth(async () => database.pool, enterprises, now);
    expect(health.status).toBe(503);
    expect(health.jsonBody.status).toBe("stale");
    expect(health.jsonBody.sources.filter((source) => source.stale)).toEqual([
      {
        enterprise: "contoso",
        organization: "contoso-web",
        report: "users-1-day",
        newestDay: "2026-11-23",
        polledAt: "2026-11-24T08:30:00.000Z",
        hoursSincePolled: 27.5,
        stale: true,
      },
    ]);
  });

  it("answers 503 before the first collection, every source never collected", async () => {
    const health = await checkHealth(async () => database.pool, enterprises, now);
    expect(health.status).toBe(503);
    expect(health.jsonBody).toMatchObject({ status: "stale", database: "reachable", lastRun: null });
    expect(health.jsonBody.sources.every((source) => source.stale && source.polledAt === null && source.newestDay === null)).toBe(true);
  });

  it("answers 503 with a redacted reason when the database cannot be reached", async () => {
    const health = await checkHealth(
      async () => {
        throw new Error("connect ECONNREFUSED for postgres://metrics:Sup3rSecret@db.example:5432/metrics");
      },
      enterprises,
      now,
    );
    expect(health).toEqual({
      status: 503,
      jsonBody: {
        status: "unavailable",
        database: "unreachable",
        checkedAt: "2026-11-25T12:00:00.000Z",
        staleAfterHours: 26,
        sources: [],
        lastRun: null,
        error: "connect ECONNREFUSED for postgres://***@db.example:5432/metrics",
      },
    });
  });
});

describe("GET /api/live", () => {
  it("answers 200 ok without reading the database or any setting", () => {
    // No pool, no settings in reach: the answer cannot depend on them or reveal them.
    expect(liveness()).toEqual({ status: 200, body: "ok", headers: { "content-type": "text/plain", "cache-control": "no-store" } });
  });
});
