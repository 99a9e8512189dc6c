import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxSeatRoute } from "../../src/sandbox/sandbox-adoption.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";

const today = "2026-11-25";

describe("a collection run snapshots each enterprise's own Copilot seat listing", () => {
  let database: TestDatabase;
  let github: GitHubServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(new ReportTable(), { routes: [sandboxSeatRoute(today)] });
    await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      now: new Date(`${today}T06:00:00Z`),
      from: "2026-11-24",
      to: "2026-11-24",
      enterprises: [{ slug: "octo-sandbox", orgs: ["octo-web", "octo-data"] }],
    });
  }, 120_000);
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  it("reads the enterprise's listing besides its organizations' listings, once per run", async () => {
    const paths = github.requests.map((request) => request.path);
    // The enterprise listing has 17 seats on 5 pages (copilot-seats.test.ts), each read once.
    expect(paths.filter((path) => path === "/enterprises/octo-sandbox/copilot/billing/seats")).toHaveLength(5);
    expect(paths.filter((path) => path === "/orgs/octo-web/copilot/billing/seats").length).toBeGreaterThan(0);
    expect(paths.filter((path) => path === "/orgs/octo-data/copilot/billing/seats").length).toBeGreaterThan(0);
  });

  it("counts a person seated through an organization and through an enterprise team once in the enterprise's snapshot", async () => {
    const snapshots = await database.pool.query(
      `select organization, count(*)::int as seats, count(distinct user_id)::int as people from copilot_seats
       where enterprise = 'octo-sandbox' and snapshot_day = $1 group by organization order by organization`,
      [today],
    );
    // 17 listed seats: octo-web's 9, octo-data's 6 (ada in both) and the enterprise team's 2 (mona also in octo-web).
    expect(snapshots.rows).toEqual([
      { organization: "", seats: 15, people: 15 },
      { organization: "octo-data", seats: 6, people: 6 },
      { organization: "octo-web", seats: 9, people: 9 },
    ]);
    const mona = await database.pool.query(
      "select organization, assigning_team from copilot_seats where enterprise = 'octo-sandbox' and user_login = 'mona' order by organization",
    );
    expect(mona.rows).toEqual([
      { organization: "", assigning_team: "ent-contractors" },
      { organization: "octo-web", assigning_team: null },
    ]);
  });
});
