import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import type { ExtraRoute } from "../../src/sandbox/github-server.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { ndjson, userLine } from "../fixtures/copilot-files.js";
import { createTestDatabase, dumpTable, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";

const now = new Date("2026-11-25T06:00:00Z");
const enterprises = [{ slug: "contoso", orgs: ["contoso-web"] }];
const day1 = "2026-11-20";
const day2 = "2026-11-21";
const ids: Record<string, number> = { alice: 1, bob: 2, carol: 3, dave: 4, erin: 5, frank: 6, grace: 7, heidi: 8, ivan: 9 };

function membership(login: string, day: string, teamId: number, slug: string) {
  return { user_id: ids[login], user_login: login, day, organization_id: "99", team_id: teamId, slug };
}

/** Usage with `generations` code generations for each listed user. */
function usage(day: string, generations: Record<string, number>): string {
  return ndjson(
    Object.entries(generations).map(([login, count]) =>
      userLine(login, ids[login]!, day, {
        organization_id: "99",
        code_generation_activity_count: count,
        code_acceptance_activity_count: 1,
        user_initiated_interaction_count: 0,
      }),
    ),
  );
}

/** GET /orgs/contoso-web/copilot/billing/seats over pages of two seats, with GitHub's link headers. */
function seatRoute(holders: string[], lastActivity: Record<string, string> = {}): ExtraRoute {
  return (_request, response: ServerResponse, url) => {
    if (url.pathname !== "/orgs/contoso-web/copilot/billing/seats") return false;
    const page = Number(url.searchParams.get("page") ?? "1");
    const pages = Math.ceil(holders.length / 2);
    const seats = holders.slice((page - 1) * 2, page * 2).map((login) => ({
      created_at: "2026-01-05T09:00:00Z",
      updated_at: "2026-01-05T09:00:00Z",
      pending_cancellation_date: null,
      last_activity_at: lastActivity[login] ?? null,
      last_activity_editor: lastActivity[login] === undefined ? null : "vscode/1.99.0",
      plan_type: "enterprise",
      assignee: { login, id: ids[login], type: "User" },
      assigning_team: { slug: "copilot-users", name: "Copilot users" },
    }));
    const link = page < pages ? { link: `<${url.origin}${url.pathname}?per_page=100&page=${page + 1}>; rel="next"` } : {};
    response.writeHead(200, { "content-type": "application/json", ...link }).end(JSON.stringify({ total_seats: holders.length, seats }));
    return true;
  };
}

async function readCsv(file: string): Promise<Array<Record<string, string>>> {
  return parse<Record<string, string>>((await readFile(file, "utf8")).replace(/^\uFEFF/, ""), { delimiter: ";", columns: true });
}

describe("adoption views: teams, repositories and seats", () => {
  const opened: Array<TestDatabase | GitHubServer> = [];
  afterEach(async () => {
    for (const resource of opened.splice(0)) await ("drop" in resource ? resource.drop() : resource.close());
  });

  async function setUp(table: ReportTable, routes: ExtraRoute[] = []) {
    const database = await createTestDatabase();
    const github = await startFakeGitHub(table, { routes });
    opened.push(database, github);
    return { database, github };
  }

  it("counts a user in two teams in both, once in the organization, and uses each day's membership", async () => {
    const frontend = ["alice", "bob", "carol", "dave", "erin"];
    const platform = ["alice", "frank", "grace", "heidi", "ivan"];
    const table = new ReportTable()
      .files("organization", "contoso-web", "user-teams-1-day", day1, [
        ndjson([
          ...frontend.map((login) => membership(login, day1, 11, "frontend")),
          ...platform.map((login) => membership(login, day1, 12, "platform")),
        ]),
      ])
      // On day 2 bob moved from frontend to platform.
      .files("organization", "contoso-web", "user-teams-1-day", day2, [
        ndjson([
          ...frontend.filter((login) => login !== "bob").map((login) => membership(login, day2, 11, "frontend")),
          ...[...platform, "bob"].map((login) => membership(login, day2, 12, "platform")),
        ]),
      ])
      .files("organization", "contoso-web", "users-1-day", day1, [usage(day1, { alice: 10, bob: 20, frank: 3 })])
      .files("organization", "contoso-web", "users-1-day", day2, [usage(day2, { alice: 1, bob: 100 })]);
    const { database, github } = await setUp(table, [seatRoute(["alice", "bob", "frank"])]);

    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day1, to: day2, now });
    expect(summary.failures).toEqual([]);

    const teams = await readCsv(path.join(summary.outputDir, "copilot_team_metrics.csv"));
    expect(
      teams.map((row) => [
        row["day"],
        row["team_slug"],
        row["members"],
        row["active_users"],
        row["engaged_users"],
        row["code_generation_activity_count"],
        row["seats"],
      ]),
    ).toEqual([
      // day 1: alice (10) and bob (20) in frontend; alice (10) and frank (3) in platform
      [day1, "frontend", "5", "2", "2", "30", "2"],
      [day1, "platform", "5", "2", "2", "13", "2"],
      // day 2: bob's 100 count in platform now, not in frontend; platform holds alice's, bob's and frank's seats
      [day2, "frontend", "4", "1", "1", "1", "1"],
      [day2, "platform", "6", "2", "2", "101", "3"],
    ]);
    // The organization counts alice once although she is in both teams.
    const organization = await database.pool.query(
      "select day, count(*) as users, sum(code_generation_activity_count)::bigint as generations from copilot_user_daily group by day order by day",
    );
    expect(organization.rows).toEqual([
      { day: day1, users: 3, generations: 33 },
      { day: day2, users: 2, generations: 101 },
    ]);
  });

  it("snapshots seats over several pages, shows a seat never used, and a re-run the same day gives the same snapshot", async () => {
    const table = new ReportTable().files("organization", "contoso-web", "users-1-day", day1, [usage(day1, { alice: 4, bob: 2 })]);
    const holders = ["alice", "bob", "carol", "dave", "erin"];
    const { database, github } = await setUp(table, [seatRoute(holders, { alice: "2026-11-24T10:00:00Z", dave: "2026-10-20T10:00:00Z" })]);

    const first = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day1, to: day1, now });
    expect(first.failures).toEqual([]);
    const seatPages = github.requests.filter((request) => request.path === "/orgs/contoso-web/copilot/billing/seats");
    expect(seatPages.map((request) => request.query["page"] ?? "1")).toEqual(["1", "2", "3"]);
    const snapshot = await dumpTable(database.pool, "copilot_seats", "enterprise, organization, snapshot_day, user_id");
    expect(snapshot).toHaveLength(5);

    const seats = await readCsv(path.join(first.outputDir, "copilot_seats", "copilot_seats_202611.csv"));
    expect(
      seats.map((row) => [row["user"], row["snapshot_day"], row["assigning_team"], row["last_activity_at"], row["active_last_28_days"]]),
    ).toEqual([
      ["alice", "2026-11-25", "copilot-users", "2026-11-24T10:00:00Z", "true"],
      ["bob", "2026-11-25", "copilot-users", "", "true"],
      // carol and erin hold seats and never used Copilot; dave's last use is older than 28 days
      ["carol", "2026-11-25", "copilot-users", "", "false"],
      ["dave", "2026-11-25", "copilot-users", "2026-10-20T10:00:00Z", "false"],
      ["erin", "2026-11-25", "copilot-users", "", "false"],
    ]);

    await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day1, to: day1, now, outputDir: first.outputDir });
    expect(await dumpTable(database.pool, "copilot_seats", "enterprise, organization, snapshot_day, user_id")).toEqual(snapshot);
  });

  it("keeps two repositories of one name in two organizations as two rows, keyed by repository id, at enterprise scope", async () => {
    const pullRequests = (created: number, merged: number) => ({
      total_created: created,
      total_reviewed: created,
      total_merged: merged,
      total_created_by_copilot: 1,
    });
    const table = new ReportTable().files("enterprise", "contoso", "repos-1-day", day1, [
      ndjson([
        {
          day: day1,
          enterprise_id: "7",
          repo_id: 501,
          repo_owner_name: "contoso-web",
          repo_name: "shop",
          repo_visibility: "private",
          pull_requests: { ...pullRequests(4, 2), median_minutes_to_merge: 42.5 },
        },
        // a field GitHub may add one day is kept in raw; a field left out is NULL
        {
          day: day1,
          enterprise_id: "7",
          repo_id: 502,
          repo_owner_name: "contoso-data",
          repo_name: "shop",
          copilot_autofix_count: 3,
          pull_requests: pullRequests(1, 0),
        },
      ]),
    ]);
    const { database, github } = await setUp(table, [seatRoute([])]);
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day1, to: day1, now });
    expect(summary.failures).toEqual([]);
    const repos = await database.pool.query(
      `select scope, repository_id, repository, repository_owner, repository_name, repo_visibility, pr_total_created, pr_total_merged,
              pr_median_minutes_to_merge, raw ->> 'copilot_autofix_count' as autofix
       from copilot_repo_daily order by repository_id`,
    );
    expect(repos.rows).toEqual([
      {
        scope: "enterprise",
        repository_id: 501,
        repository: "contoso-web/shop",
        repository_owner: "contoso-web",
        repository_name: "shop",
        repo_visibility: "private",
        pr_total_created: 4,
        pr_total_merged: 2,
        pr_median_minutes_to_merge: 42.5,
        autofix: null,
      },
      {
        scope: "enterprise",
        repository_id: 502,
        repository: "contoso-data/shop",
        repository_owner: "contoso-data",
        repository_name: "shop",
        repo_visibility: null,
        pr_total_created: 1,
        pr_total_merged: 0,
        pr_median_minutes_to_merge: null,
        autofix: "3",
      },
    ]);
    const csv = await readCsv(path.join(summary.outputDir, "copilot_repo_metrics.csv"));
    expect(
      csv.map((row) => [
        row["organization"],
        row["repository_id"],
        row["repository_owner"],
        row["repository_name"],
        row["repository"],
        row["day"],
        row["pull_requests_total_created"],
        row["pull_requests_total_merged"],
      ]),
    ).toEqual([
      ["", "502", "contoso-data", "shop", "contoso-data/shop", day1, "1", "0"],
      ["", "501", "contoso-web", "shop", "contoso-web/shop", day1, "4", "2"],
    ]);
  });

  it("refuses a repos-1-day line without the repository id, naming the file and line", async () => {
    const table = new ReportTable().files("organization", "contoso-web", "repos-1-day", day1, [
      ndjson([
        {
          day: day1,
          organization_id: "99",
          repo_id: 501,
          repo_owner_name: "contoso-web",
          repo_name: "shop",
          pull_requests: { total_created: 1 },
        },
        { day: day1, organization_id: "99", repo_owner_name: "contoso-web", repo_name: "docs", pull_requests: { total_created: 1 } },
      ]),
    ]);
    const { database, github } = await setUp(table, [seatRoute([])]);
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day1, to: day1, now });
    expect(summary.failures.map((failure) => [failure.unit, failure.errorClass, failure.line])).toEqual([
      ["contoso/contoso-web repos-1-day 2026-11-20", "MalformedReportError", 2],
    ]);
    expect(summary.failures[0]!.message).toMatch(/repo_id/);
    expect((await database.pool.query("select count(*) as n from copilot_repo_daily")).rows).toEqual([{ n: 0 }]);
  });

  it("turns a repos-1-day endpoint that answers 404 into one warning per run, not an error per day", async () => {
    const { database, github } = await setUp(new ReportTable(), [seatRoute([])]);
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: "2026-11-15", to: day2, now });
    expect(summary.status).toBe("succeeded");
    expect(summary.failures).toEqual([]);
    expect(summary.warnings.filter((warning) => warning.startsWith("repos-1-day"))).toEqual([
      "repos-1-day is not available for contoso (GitHub answers 404 and never answered before); repository-level Copilot metrics are skipped there until it answers.",
      "repos-1-day is not available for contoso/contoso-web (GitHub answers 404 and never answered before); repository-level Copilot metrics are skipped there until it answers.",
    ]);
    const statuses = await database.pool.query(
      "select scope, status, count(*) as days from sync_checkpoints where report = 'repos-1-day' group by scope, status order by scope",
    );
    expect(statuses.rows).toEqual([
      { scope: "enterprise", status: "unavailable", days: 7 },
      { scope: "organization", status: "unavailable", days: 7 },
    ]);
    // The next run asks the day never asked (11-22) and the re-poll window, not the unavailable days again.
    const before = github.requests.length;
    await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, now, env: { REPOLL_DAYS: "2", BACKFILL_DAYS: "10" } });
    const reposCalls = github.requests.slice(before).filter((request) => request.path.endsWith("/repos-1-day"));
    expect(reposCalls.map((request) => `${request.path.split("/")[2]} ${request.query["day"]}`).sort()).toEqual([
      "contoso 2026-11-22",
      "contoso 2026-11-23",
      "contoso 2026-11-24",
      "contoso-web 2026-11-22",
      "contoso-web 2026-11-23",
      "contoso-web 2026-11-24",
    ]);
  });
});
