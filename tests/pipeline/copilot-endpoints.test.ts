import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { ideEntry, ndjson, userLine } from "../fixtures/copilot-files.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";

const now = new Date("2026-11-25T06:00:00Z");
const enterprises = [{ slug: "contoso", orgs: ["contoso-web"] }];
const day = "2026-11-20";
const window = { firstDay: "2026-10-27", lastDay: "2026-11-23" };
// An organization's day carries no enterprise_id.
const orgDayBase = Object.fromEntries(Object.entries(enterpriseDay(day, 2)).filter(([field]) => field !== "enterprise_id"));

const table = new ReportTable()
  // enterprise-1-day: one flat object, with a field GitHub might add one day
  .files("enterprise", "contoso", "enterprise-1-day", day, [JSON.stringify({ ...enterpriseDay(day, 1), future_metric: 7 }) + "\n"])
  // users-1-day split over two files; login1 is in both, as GitHub does for large reports
  .files("enterprise", "contoso", "users-1-day", day, [
    ndjson([
      userLine("login1", 1, day, {
        totals_by_ide: [ideEntry("1.85.0", "2026-11-20T08:00:00.000Z")],
        used_chat: false,
        ai_credits_used: 1.5,
        ai_adoption_phase: { phase: "exploring", phase_number: 1, version: 1 },
      }),
      // no CLI use and no AI credits reported: those columns must be NULL, not 0
      userLine("login2", 2, day, { totals_by_cli: undefined, used_cli: false }),
    ]),
    ndjson([
      userLine("login1", 1, day, {
        code_generation_activity_count: 4,
        code_acceptance_activity_count: 3,
        loc_added_sum: 20,
        totals_by_ide: [ideEntry("1.86.0", "2026-11-20T18:00:00.000Z", { code_generation_activity_count: 4 })],
        used_chat: true,
        used_cli: false,
        ai_credits_used: 2.25,
        ai_adoption_phase: { phase: "adopting", phase_number: 2, version: 1 },
      }),
    ]),
  ])
  // organization-1-day as a pretty-printed JSON array, the shape of the docs' example page
  .files("organization", "contoso-web", "organization-1-day", day, [JSON.stringify([{ ...orgDayBase, organization_id: "99" }], null, 2)])
  .files("organization", "contoso-web", "users-1-day", day, [
    JSON.stringify([userLine("login3", 3, day, { organization_id: "99" })], null, 2),
  ])
  // 28-day reports: the pretty-printed day_totals wrapper, NDJSON users with their report days, and a one-line wrapper
  .files(
    "enterprise",
    "contoso",
    "enterprise-28-day",
    "latest",
    [
      JSON.stringify(
        {
          report_start_day: window.firstDay,
          report_end_day: window.lastDay,
          enterprise_id: "1",
          day_totals: [enterpriseDay("2026-11-10", 5), enterpriseDay(day, 1)],
        },
        null,
        2,
      ),
    ],
    window,
  )
  .files(
    "enterprise",
    "contoso",
    "users-28-day",
    "latest",
    [
      ndjson([
        userLine("login1", 1, "2026-11-10", { report_start_day: window.firstDay, report_end_day: window.lastDay }),
        userLine("login2", 2, "2026-11-11", { report_start_day: window.firstDay, report_end_day: window.lastDay }),
      ]),
    ],
    window,
  )
  .files(
    "organization",
    "contoso-web",
    "organization-28-day",
    "latest",
    [
      JSON.stringify({
        report_start_day: window.firstDay,
        report_end_day: window.lastDay,
        organization_id: "99",
        day_totals: [{ ...enterpriseDay("2026-11-12", 1), organization_id: "99" }],
      }) + "\n",
    ],
    window,
  )
  .files(
    "organization",
    "contoso-web",
    "users-28-day",
    "latest",
    [ndjson([userLine("login3", 3, "2026-11-12", { organization_id: "99" })])],
    window,
  );

describe("every Copilot report endpoint and file shape", () => {
  let database: TestDatabase;
  let github: GitHubServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(table);
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  const dailyRows = () =>
    database.pool.query(
      `select scope, organization, day, daily_active_users, code_generation_activity_count, loc_added_sum, source_report
       from copilot_usage_daily order by scope, organization, day`,
    );
  const userRows = () =>
    database.pool.query(
      `select scope, organization, day, user_id, user_login, code_generation_activity_count, code_acceptance_activity_count,
              loc_added_sum, loc_suggested_to_add_sum, used_chat, used_cli, used_agent, primary_ide, ide_version, plugin,
              plugin_version, cli_version, cli_session_count, ai_credits_used, ai_adoption_phase, ai_adoption_phase_number, source_report
       from copilot_user_daily order by scope, organization, day, user_id`,
    );

  it("collects the 1-day reports of enterprise and organization, combining users repeated across files", async () => {
    const summary = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(summary.status).toBe("succeeded");
    // 4 usage units, teams and repositories for both scopes (not served: pending), then the org's
    // seats, the enterprise's seats (both empty here), its repository list and premium usage (the
    // metrics computation is not a collection unit)
    expect([summary.unitsTotal, summary.unitsOk, summary.unitsPending, summary.records]).toEqual([12, 8, 4, 6]);

    expect((await dailyRows()).rows).toEqual([
      {
        scope: "enterprise",
        organization: "",
        day,
        daily_active_users: 2,
        code_generation_activity_count: 2,
        loc_added_sum: 30,
        source_report: "enterprise-1-day",
      },
      {
        scope: "organization",
        organization: "contoso-web",
        day,
        daily_active_users: 4,
        code_generation_activity_count: 4,
        loc_added_sum: 60,
        source_report: "organization-1-day",
      },
    ]);
    const raw = await database.pool.query("select raw ->> 'future_metric' as future from copilot_usage_daily where scope = 'enterprise'");
    expect(raw.rows).toEqual([{ future: "7" }]);

    const breakdown = await database.pool.query(
      `select dimension, ide, feature, language, model, user_initiated_interaction_count, code_generation_activity_count, loc_added_sum
       from copilot_usage_breakdown where scope = 'enterprise' order by dimension, ide, feature, language, model`,
    );
    expect(breakdown.rows).toEqual([
      {
        dimension: "feature",
        ide: "",
        feature: "code_completion",
        language: "",
        model: "",
        user_initiated_interaction_count: 0,
        code_generation_activity_count: 2,
        loc_added_sum: 30,
      },
      {
        dimension: "ide",
        ide: "vscode",
        feature: "",
        language: "",
        model: "",
        user_initiated_interaction_count: 0,
        code_generation_activity_count: 2,
        loc_added_sum: 30,
      },
      // language_feature rows carry no interaction count: NULL, not 0
      {
        dimension: "language_feature",
        ide: "",
        feature: "code_completion",
        language: "unknown",
        model: "",
        user_initiated_interaction_count: null,
        code_generation_activity_count: 2,
        loc_added_sum: 30,
      },
    ]);

    const common = { scope: "enterprise", organization: "", day, used_agent: false, primary_ide: "vscode", source_report: "users-1-day" };
    expect((await userRows()).rows).toEqual([
      {
        ...common,
        user_id: 1,
        user_login: "login1",
        code_generation_activity_count: 5,
        code_acceptance_activity_count: 4,
        loc_added_sum: 28,
        loc_suggested_to_add_sum: 20,
        used_chat: true,
        used_cli: true,
        ide_version: "1.86.0",
        plugin: "copilot",
        plugin_version: "p-1.86.0",
        cli_version: "1.0.8",
        cli_session_count: 4,
        ai_credits_used: "3.7500",
        ai_adoption_phase: "adopting",
        ai_adoption_phase_number: 2,
      },
      {
        ...common,
        user_id: 2,
        user_login: "login2",
        code_generation_activity_count: 1,
        code_acceptance_activity_count: 1,
        loc_added_sum: 8,
        loc_suggested_to_add_sum: 10,
        used_chat: false,
        used_cli: false,
        ide_version: "1.85.0",
        plugin: null,
        plugin_version: null,
        cli_version: null,
        cli_session_count: null,
        ai_credits_used: null,
        ai_adoption_phase: null,
        ai_adoption_phase_number: null,
      },
      {
        scope: "organization",
        organization: "contoso-web",
        day,
        user_id: 3,
        user_login: "login3",
        code_generation_activity_count: 1,
        code_acceptance_activity_count: 1,
        loc_added_sum: 8,
        loc_suggested_to_add_sum: 10,
        used_chat: false,
        used_cli: true,
        used_agent: false,
        primary_ide: "vscode",
        ide_version: "1.85.0",
        plugin: null,
        plugin_version: null,
        cli_version: "1.0.8",
        cli_session_count: 2,
        ai_credits_used: null,
        ai_adoption_phase: null,
        ai_adoption_phase_number: null,
        source_report: "users-1-day",
      },
    ]);
  });

  it("uses one 28-day report per series for a large gap, and the report replaces every day of its window", async () => {
    const before = github.requests.length;
    const summary = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-11-10",
      to: "2026-11-19",
      now,
    });
    expect(summary.status).toBe("succeeded");
    const calls = github.requests
      .slice(before)
      .map((request) => request.path)
      .filter((path) => path.includes("/copilot/metrics/reports/") && !/user-teams-1-day|repos-1-day/.test(path))
      .sort();
    expect(calls).toEqual([
      // The run's access check asks for the enterprise's latest 28-day report once, before the plan.
      "/enterprises/contoso/copilot/metrics/reports/enterprise-28-day/latest",
      "/enterprises/contoso/copilot/metrics/reports/enterprise-28-day/latest",
      "/enterprises/contoso/copilot/metrics/reports/users-28-day/latest",
      "/orgs/contoso-web/copilot/metrics/reports/organization-28-day/latest",
      "/orgs/contoso-web/copilot/metrics/reports/users-28-day/latest",
    ]);

    // The window 10-27..11-23 is replaced as a whole: the organization's 11-20 row from the 1-day
    // report is gone because the newer 28-day report has no such day.
    expect((await dailyRows()).rows).toEqual([
      {
        scope: "enterprise",
        organization: "",
        day: "2026-11-10",
        daily_active_users: 10,
        code_generation_activity_count: 10,
        loc_added_sum: 150,
        source_report: "enterprise-28-day",
      },
      {
        scope: "enterprise",
        organization: "",
        day,
        daily_active_users: 2,
        code_generation_activity_count: 2,
        loc_added_sum: 30,
        source_report: "enterprise-28-day",
      },
      {
        scope: "organization",
        organization: "contoso-web",
        day: "2026-11-12",
        daily_active_users: 2,
        code_generation_activity_count: 2,
        loc_added_sum: 30,
        source_report: "organization-28-day",
      },
    ]);
    const users = await database.pool.query(
      "select scope, day, user_login, source_report from copilot_user_daily order by scope, day, user_id",
    );
    expect(users.rows).toEqual([
      { scope: "enterprise", day: "2026-11-10", user_login: "login1", source_report: "users-28-day" },
      { scope: "enterprise", day: "2026-11-11", user_login: "login2", source_report: "users-28-day" },
      { scope: "organization", day: "2026-11-12", user_login: "login3", source_report: "users-28-day" },
    ]);
    const checkpoints = await database.pool.query(
      `select scope, report, count(*) as days, min(day) as first, max(day) as last, min(status) as status, min(source_report) as source
       from sync_checkpoints where day between '2026-11-10' and '2026-11-19' and report not in ('user-teams-1-day', 'repos-1-day')
       group by scope, report order by scope, report`,
    );
    expect(checkpoints.rows).toEqual([
      {
        scope: "enterprise",
        report: "enterprise-1-day",
        days: 10,
        first: "2026-11-10",
        last: "2026-11-19",
        status: "ok",
        source: "enterprise-28-day",
      },
      {
        scope: "enterprise",
        report: "users-1-day",
        days: 10,
        first: "2026-11-10",
        last: "2026-11-19",
        status: "ok",
        source: "users-28-day",
      },
      {
        scope: "organization",
        report: "organization-1-day",
        days: 10,
        first: "2026-11-10",
        last: "2026-11-19",
        status: "ok",
        source: "organization-28-day",
      },
      {
        scope: "organization",
        report: "users-1-day",
        days: 10,
        first: "2026-11-10",
        last: "2026-11-19",
        status: "ok",
        source: "users-28-day",
      },
    ]);
  });

  it("takes 204 and an empty body from an endpoint as not available yet, without an error", async () => {
    table.set("organization", "contoso-web", "organization-1-day", "2026-11-21", { kind: "status", status: 204 });
    table.set("organization", "contoso-web", "users-1-day", "2026-11-21", { kind: "empty-body" });
    const summary = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises: [{ slug: "contoso", orgs: ["contoso-web"] }],
      from: "2026-11-21",
      to: "2026-11-21",
      now,
    });
    expect([summary.status, summary.unitsFailed]).toEqual(["succeeded", 0]);
    const checkpoints = await database.pool.query<{ status: string }>(
      "select scope, report, status from sync_checkpoints where day = '2026-11-21' and report not in ('user-teams-1-day', 'repos-1-day') order by scope, report",
    );
    expect(checkpoints.rows.map((row) => row.status)).toEqual(["pending", "pending", "pending", "pending"]);
  });
});
