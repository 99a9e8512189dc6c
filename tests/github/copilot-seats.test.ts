import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotSeats } from "../../src/pipeline/activities/snapshot-seats.js";
import { sandboxSeatRoute } from "../../src/sandbox/sandbox-adoption.js";
import { ReportTable, fakeGitHubClient, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const today = "2026-11-25";

describe("Copilot seats of an enterprise and its organizations", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  const activity = () => {
    const client = fakeGitHubClient(github.url, { retries: 0 });
    return snapshotSeats({ pool: database.pool, github: () => client, rateLimitFloorPercent: 10 });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(new ReportTable(), { routes: [sandboxSeatRoute(today)] });
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  it("keeps the enterprise's listing as one row per seated person, with the seats granted through enterprise teams and last_authenticated_at", async () => {
    const result = await activity()({ enterprise: "octo-sandbox", organization: "", day: today });

    // 17 seats on 5 pages: octo-web's 9, octo-data's 6 (ada also in octo-web) and the enterprise team's 2 (mona also in octo-web).
    expect(result).toEqual({ ok: true, seats: 15 });
    expect(github.requests.filter((request) => request.path === "/enterprises/octo-sandbox/copilot/billing/seats")).toHaveLength(5);
    const rows = await database.pool.query(
      `select user_login, assigning_team, last_authenticated_at is not null as authenticated from copilot_seats
       where enterprise = 'octo-sandbox' and organization = '' and user_login in ('ada', 'mona', 'contractor-cat', 'dormant-dev') order by user_login`,
    );
    expect(rows.rows).toEqual([
      { user_login: "ada", assigning_team: null, authenticated: true },
      { user_login: "contractor-cat", assigning_team: "ent-contractors", authenticated: false },
      { user_login: "dormant-dev", assigning_team: null, authenticated: false },
      // Both of mona's seats were last used at once: the one naming its granting team is kept.
      { user_login: "mona", assigning_team: "ent-contractors", authenticated: true },
    ]);
  });

  it("keeps an organization's listing apart, so the enterprise's people are counted once in its own rows", async () => {
    expect(await activity()({ enterprise: "octo-sandbox", organization: "octo-web", day: today })).toEqual({ ok: true, seats: 9 });
    expect(await activity()({ enterprise: "octo-sandbox", organization: "octo-data", day: today })).toEqual({ ok: true, seats: 6 });
    // Re-running the enterprise's snapshot replaces it.
    expect(await activity()({ enterprise: "octo-sandbox", organization: "", day: today })).toEqual({ ok: true, seats: 15 });
    const counts = await database.pool.query(
      "select organization, count(*)::int as seats, count(distinct user_id)::int as people from copilot_seats group by organization order by organization",
    );
    expect(counts.rows).toEqual([
      { organization: "", seats: 15, people: 15 },
      { organization: "octo-data", seats: 6, people: 6 },
      { organization: "octo-web", seats: 9, people: 9 },
    ]);
  });

  it("names what the token needs when GitHub refuses the enterprise's listing (403)", async () => {
    github.inject({
      target: "api",
      pathIncludes: "/enterprises/octo-sandbox/copilot",
      status: 403,
      times: 1,
      body: { message: "Must have admin rights" },
    });

    const result = await activity()({ enterprise: "octo-sandbox", organization: "", day: "2026-11-26" });

    expect(result).toMatchObject({ ok: false, error: { errorClass: "GitHubForbiddenError" } });
    expect(result.ok ? "" : result.error.message).toContain(
      "GitHub refused GET /enterprises/{enterprise}/copilot/billing/seats for octo-sandbox (403): the token's user must be enterprise owner or billing manager; classic PAT: `manage_billing:copilot` or `read:enterprise`",
    );
  });
});
