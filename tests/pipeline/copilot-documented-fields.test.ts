import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { ideEntry, ndjson, userLine } from "../fixtures/copilot-files.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";

// The fields of GitHub's field reference that landed nowhere before: each one in its column.
const now = new Date("2026-11-25T06:00:00Z");
const enterprises = [{ slug: "contoso", orgs: [] }];
const day = "2026-11-20";
const window = { firstDay: "2026-10-27", lastDay: "2026-11-23" };

const phase = (number: number, users: number, avgInteractions: number) => ({
  phase: number === 0 ? "No Cohort" : `Phase ${number}`,
  phase_number: number,
  total_engaged_users: users,
  avg_user_initiated_interactions: avgInteractions,
  avg_code_generation_activities: 4.5,
  avg_code_acceptance_activities: 2.25,
  avg_loc_added: 30,
  avg_loc_deleted: 1.5,
  avg_pull_requests_reviewed: 0.5,
  avg_pull_requests_created: 0.25,
  avg_pull_requests_merged: 0.125,
  avg_pull_requests_median_minutes_to_merge: 61.5,
});
const commentTypes = (security: number, bugRisk: number) => [
  { comment_type: "security", total_copilot_suggestions: security, total_copilot_applied_suggestions: 1 },
  { comment_type: "bug_risk", total_copilot_suggestions: bugRisk, total_copilot_applied_suggestions: 0 },
];
const aggregateDay = (date: string, phases: unknown[], comments: unknown[]) => {
  const base = enterpriseDay(date, 1);
  return {
    ...base,
    totals_by_ai_adoption_phase: phases,
    pull_requests: { ...base.pull_requests, copilot_suggestions_by_comment_type: comments },
  };
};

const table = new ReportTable()
  // one day in two files: comment types summed, the later file's phases kept (averages do not add up)
  .files("enterprise", "contoso", "enterprise-1-day", day, [
    JSON.stringify(aggregateDay(day, [phase(0, 3, 0), phase(1, 2, 4)], commentTypes(2, 5))) + "\n",
    JSON.stringify(aggregateDay(day, [phase(1, 4, 6.5)], commentTypes(1, 0))) + "\n",
  ])
  .files("enterprise", "contoso", "users-1-day", day, [
    ndjson([
      userLine("mona", 1, day, {
        totals_by_ide: [
          ideEntry("1.85.0", "2026-11-20T08:00:00.000Z"),
          { ...ideEntry("2025.2", "2026-11-20T09:00:00.000Z"), ide: "intellij" },
        ],
        ai_adoption_phase: { phase: "Phase 1", phase_number: 1, version: "v1" },
      }),
    ]),
    ndjson([
      userLine("mona", 1, day, {
        // a later sample of one IDE: it replaces that IDE's versions only
        totals_by_ide: [ideEntry("1.86.0", "2026-11-20T18:00:00.000Z")],
        totals_by_cli: {
          session_count: 1,
          request_count: 3,
          prompt_count: 1,
          token_usage: { output_tokens_sum: 1000, prompt_tokens_sum: 2000, avg_tokens_per_request: 1000 },
          last_known_cli_version: { cli_version: "1.0.9", sampled_at: "2026-11-20T19:00:00.000Z" },
        },
        ai_adoption_phase: { phase: "Phase 2", phase_number: 2, version: "v2" },
      }),
    ]),
  ])
  .files(
    "enterprise",
    "contoso",
    "enterprise-28-day",
    "latest",
    [
      JSON.stringify({
        report_start_day: window.firstDay,
        report_end_day: window.lastDay,
        created_at: "2026-11-24T04:12:00Z",
        enterprise_id: "1",
        day_totals: [aggregateDay("2026-11-10", [phase(3, 1, 9)], [])],
      }),
    ],
    window,
  );

describe("the documented fields that had no column", () => {
  let database: TestDatabase;
  let github: GitHubServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(table);
    // A gap of ten days is read from the 28-day report, which replaces its whole window; the day
    // after it then comes from its 1-day report.
    const first = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-11-10",
      to: "2026-11-19",
      now,
    });
    expect(first.failures).toEqual([]);
    const second = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
    expect(second.failures).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  it("stores totals_by_ai_adoption_phase per day and phase, the last file's phase when a day comes in several", async () => {
    const rows = await database.pool.query(
      `select day, phase_number, phase, total_engaged_users, avg_user_initiated_interactions, avg_pull_requests_median_minutes_to_merge
       from copilot_adoption_phase_daily order by day, phase_number`,
    );
    expect(rows.rows).toEqual([
      {
        day: "2026-11-10",
        phase_number: 3,
        phase: "Phase 3",
        total_engaged_users: 1,
        avg_user_initiated_interactions: 9,
        avg_pull_requests_median_minutes_to_merge: 61.5,
      },
      {
        day,
        phase_number: 0,
        phase: "No Cohort",
        total_engaged_users: 3,
        avg_user_initiated_interactions: 0,
        avg_pull_requests_median_minutes_to_merge: 61.5,
      },
      {
        day,
        phase_number: 1,
        phase: "Phase 1",
        total_engaged_users: 4,
        avg_user_initiated_interactions: 6.5,
        avg_pull_requests_median_minutes_to_merge: 61.5,
      },
    ]);
  });

  it("stores the comment types of Copilot's review suggestions per day, summed over the day's files", async () => {
    const rows = await database.pool.query(
      "select day, comment_type, total_copilot_suggestions, total_copilot_applied_suggestions from copilot_review_comment_types_daily order by day, comment_type",
    );
    expect(rows.rows).toEqual([
      { day, comment_type: "bug_risk", total_copilot_suggestions: 5, total_copilot_applied_suggestions: 0 },
      { day, comment_type: "security", total_copilot_suggestions: 3, total_copilot_applied_suggestions: 2 },
    ]);
  });

  it("stores the 28-day report's created_at with its days, and none with a 1-day report's", async () => {
    const rows = await database.pool.query("select day, source_report, report_created_at from copilot_usage_daily order by day");
    expect(rows.rows).toEqual([
      { day: "2026-11-10", source_report: "enterprise-28-day", report_created_at: new Date("2026-11-24T04:12:00Z") },
      { day, source_report: "enterprise-1-day", report_created_at: null },
    ]);
  });

  it("stores a user's every IDE with its latest versions, the adoption phase's version and the CLI's average tokens", async () => {
    const rows = await database.pool.query(
      `select user_login, primary_ide, ide_version, ide_versions, ai_adoption_phase, ai_adoption_phase_version, cli_version,
              cli_version_sampled_at, cli_avg_tokens_per_request
       from copilot_user_daily`,
    );
    expect(rows.rows).toEqual([
      {
        user_login: "mona",
        primary_ide: "vscode",
        ide_version: "1.86.0",
        ide_versions: [
          {
            ide: "intellij",
            ide_version: "2025.2",
            ide_sampled_at: "2026-11-20T09:00:00.000Z",
            plugin: "copilot",
            plugin_version: "p-2025.2",
            plugin_sampled_at: "2026-11-20T09:00:00.000Z",
          },
          {
            ide: "vscode",
            ide_version: "1.86.0",
            ide_sampled_at: "2026-11-20T18:00:00.000Z",
            plugin: "copilot",
            plugin_version: "p-1.86.0",
            plugin_sampled_at: "2026-11-20T18:00:00.000Z",
          },
        ],
        ai_adoption_phase: "Phase 2",
        ai_adoption_phase_version: "v2",
        cli_version: "1.0.9",
        cli_version_sampled_at: new Date("2026-11-20T19:00:00.000Z"),
        // two files: (5000 + 1000 output + 3800 + 2000 prompt tokens) / (2 + 3 requests), as GitHub computes it
        cli_avg_tokens_per_request: 2360,
      },
    ]);
  });
});
