import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dumpTable, type TestDatabase } from "../support/database.js";
import { ReportTable, startFakeGitHub, fakeToken, type GitHubServer } from "../fakes/github-server.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { runCollection } from "../support/run-collection.js";

const now = new Date("2026-11-25T06:00:00Z");
const enterprises = [{ slug: "contoso", orgs: [] }];

describe("a collection run against GitHub over HTTP", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  const table = new ReportTable()
    .files("enterprise", "contoso", "enterprise-1-day", "2026-11-20", [JSON.stringify(enterpriseDay("2026-11-20", 1)) + "\n"])
    .files("enterprise", "contoso", "enterprise-1-day", "2026-11-21", [JSON.stringify(enterpriseDay("2026-11-21", 3)) + "\n"]);

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(table);
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  it("fills copilot_usage_daily with the served values, records the run and checkpoints, writes the CSV, and a re-run changes nothing", async () => {
    const first = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-11-20",
      to: "2026-11-22",
      now,
    });

    expect(first.status).toBe("succeeded");
    const rows = await database.pool.query(
      `select enterprise, scope, organization, day, daily_active_users, weekly_active_users, monthly_active_users,
              code_generation_activity_count, code_acceptance_activity_count, loc_added_sum, loc_suggested_to_add_sum,
              daily_active_cli_users, cli_session_count, cli_output_tokens_sum, cli_avg_tokens_per_request,
              pr_total_created, pr_median_minutes_to_merge, monthly_active_chat_users, chat_panel_agent_mode, source_report
       from copilot_usage_daily order by day`,
    );
    expect(rows.rows).toEqual([
      {
        enterprise: "contoso",
        scope: "enterprise",
        organization: "",
        day: "2026-11-20",
        daily_active_users: 2,
        weekly_active_users: 2,
        monthly_active_users: 2,
        code_generation_activity_count: 2,
        code_acceptance_activity_count: 2,
        loc_added_sum: 30,
        loc_suggested_to_add_sum: 35,
        daily_active_cli_users: 2,
        cli_session_count: 3,
        cli_output_tokens_sum: 7000,
        cli_avg_tokens_per_request: 4100,
        pr_total_created: 2,
        pr_median_minutes_to_merge: 2.5,
        monthly_active_chat_users: 0,
        chat_panel_agent_mode: null,
        source_report: "enterprise-1-day",
      },
      {
        enterprise: "contoso",
        scope: "enterprise",
        organization: "",
        day: "2026-11-21",
        daily_active_users: 6,
        weekly_active_users: 2,
        monthly_active_users: 2,
        code_generation_activity_count: 6,
        code_acceptance_activity_count: 6,
        loc_added_sum: 90,
        loc_suggested_to_add_sum: 35,
        daily_active_cli_users: 2,
        cli_session_count: 3,
        cli_output_tokens_sum: 7000,
        cli_avg_tokens_per_request: 4100,
        pr_total_created: 2,
        pr_median_minutes_to_merge: 2.5,
        monthly_active_chat_users: 0,
        chat_panel_agent_mode: null,
        source_report: "enterprise-1-day",
      },
    ]);
    const raw = await database.pool.query<{ tokens: unknown }>(
      "select raw -> 'totals_by_cli' -> 'token_usage' as tokens from copilot_usage_daily where day = '2026-11-20'",
    );
    expect(raw.rows[0]!.tokens).toEqual({ avg_tokens_per_request: 4100, output_tokens_sum: 7000, prompt_tokens_sum: 5300 });

    const runs = await database.pool.query(
      "select status, trigger, units_total, units_ok, units_pending, units_failed, records, publish_status from collection_runs",
    );
    expect(runs.rows).toEqual([
      // 2026-11-22 answers 404: not generated yet, the unit stays pending; so do the users, teams and
      // repository reports this fake does not serve (3 days each). The enterprise's own seat listing
      // (empty here) and premium usage are the last units; the metrics computation is not a
      // collection unit.
      {
        status: "succeeded",
        trigger: "cli",
        units_total: 14,
        units_ok: 4,
        units_pending: 10,
        units_failed: 0,
        records: 2,
        publish_status: "succeeded",
      },
    ]);
    const checkpoints = await database.pool.query(
      "select report, day, status, source_report, attempts, records from sync_checkpoints where report = 'enterprise-1-day' order by day",
    );
    expect(checkpoints.rows).toEqual([
      { report: "enterprise-1-day", day: "2026-11-20", status: "ok", source_report: "enterprise-1-day", attempts: 0, records: 1 },
      { report: "enterprise-1-day", day: "2026-11-21", status: "ok", source_report: "enterprise-1-day", attempts: 0, records: 1 },
      { report: "enterprise-1-day", day: "2026-11-22", status: "pending", source_report: "enterprise-1-day", attempts: 0, records: 0 },
    ]);

    const csvPath = path.join(first.outputDir, "copilot_metrics.csv");
    const csv = await readFile(csvPath);
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = csv.toString("utf8").slice(1);
    expect(
      text.split("\r\n")[0]!.startsWith("enterprise;organization;day;daily_active_users;weekly_active_users;monthly_active_users;"),
    ).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    const records = parse<Record<string, string>>(text, { delimiter: ";", columns: true });
    expect(
      records.map((r) => [
        r["enterprise"],
        r["organization"],
        r["day"],
        r["daily_active_users"],
        r["acceptance_rate"],
        r["pull_requests_median_minutes_to_merge"],
      ]),
    ).toEqual([
      ["contoso", "", "2026-11-20", "2", "1.0000", "2.5"],
      ["contoso", "", "2026-11-21", "6", "1.0000", "2.5"],
    ]);

    // The signed download links never saw the GitHub token; every API call carried it and the API version.
    const downloads = github.requests.filter((request) => request.path.startsWith("/downloads/"));
    expect(downloads).toHaveLength(2);
    expect(downloads.every((request) => request.authorization === undefined)).toBe(true);
    const apiCalls = github.requests.filter((request) => !request.path.startsWith("/downloads/"));
    expect(new Set(apiCalls.map((request) => `${request.authorization} ${request.apiVersion}`))).toEqual(
      new Set([`token ${fakeToken} 2026-03-10`]),
    );

    const tablesBefore = await Promise.all([
      dumpTable(database.pool, "copilot_usage_daily", "enterprise, scope, organization, day"),
      dumpTable(database.pool, "copilot_usage_breakdown", "enterprise, scope, organization, day, dimension, ide, feature, language, model"),
    ]);
    const second = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-11-20",
      to: "2026-11-22",
      now,
      outputDir: first.outputDir,
    });
    expect(second.status).toBe("succeeded");
    const tablesAfter = await Promise.all([
      dumpTable(database.pool, "copilot_usage_daily", "enterprise, scope, organization, day"),
      dumpTable(database.pool, "copilot_usage_breakdown", "enterprise, scope, organization, day, dimension, ide, feature, language, model"),
    ]);
    expect(tablesAfter).toEqual(tablesBefore);
    expect(await readFile(csvPath)).toEqual(csv);
  });
});
