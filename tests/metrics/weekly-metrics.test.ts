import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { computeWeeklyMetrics, metricDefinitions } from "../../src/metrics/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// A small hand-built history of one enterprise ("acme", organization "acme-web") over two weeks:
// W1 = Monday 2026-11-02, W2 = Monday 2026-11-09; the computation runs on Thursday 2026-11-12.
//
//   shop (101)  GitHub deployments to "production" (deployment source)
//     D1 a1       success 11-02 10:05   first deployment seen: ships only its own commit a1 (08:05)
//     D2 a3       success 11-03 12:00   ships a2 (authored 11-03 00:00) and a3 (08:00, merge of PR #10)
//     D3 a3       success 11-04 09:00   the same sha again: a deployment with no new commits
//     D4 a4       failure 11-05 10:10   a failed deployment, recovered by D5
//     D5 a5       success 11-05 14:10   ships a4 (09:00) and a5 (13:00, merge of hotfix PR #11, merged without review)
//                                       incident #100 opened in its window 11-06 09:00, closed 11-06 11:10
//     D6 b1       success 11-09 10:00   the branch was force-pushed: a5 is gone, so only b1 (08:00, PR #12) is linked
//                                       incident #101 opened in its window 11-10 09:00, still open;
//                                       PR #12 is reverted by #13 (merged 11-11 04:00)
//     D7 b2       success 11-11 10:00   ships b2 (04:00, merge of the revert PR #13): rework
//     D8 b2       success 11-11 11:00   to "staging": not a DORA environment, ignored
//   docs (102)  no deployments, no deploy workflow: merges into main are the deployments (PR-only)
//     PR #1 alice  first commit 11-02 08:00, opened 09:00, merged 12:00, no review
//     PR #2 bob    first commit unknown, opened 11-03 09:00, reviewed by alice 10:00, merged 15:00
//     PR #3 dependabot[bot], open; PR #4 alice merged into "release" 11-04 16:00 (not a deployment)
//   api (103)   runs of the deploy workflow deploy.yml on main (workflow source)
//     run 900 success 11-03 10:00 -> 10:30, ships c1 (authored 11-03 08:00, committed 09:00)
//     run 901 failure 11-04 10:00 -> 10:20, recovered by run 902
//     run 902 success 11-05 10:00 -> 10:40, ships c2 (authored 11-04 12:00, committed 13:00)

const enterprise = "acme";
const org = "acme-web";

async function insert(database: TestDatabase, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (const row of rows) {
    const placeholders = columns.map((_, index) => `$${index + 1}`).join(", ");
    await database.pool.query(`insert into ${table} (${columns.join(", ")}) values (${placeholders})`, row);
  }
}

async function buildHistory(database: TestDatabase): Promise<void> {
  await insert(
    database,
    "repositories",
    ["enterprise", "repository_id", "organization", "name", "default_branch", "created_at", "status", "listed_at"],
    [
      [enterprise, 101, org, "shop", "main", "2026-01-01T00:00:00Z", "active", "2026-11-12T00:00:00Z"],
      [enterprise, 102, org, "docs", "main", "2026-01-01T00:00:00Z", "active", "2026-11-12T00:00:00Z"],
      [enterprise, 103, org, "api", "main", "2026-01-01T00:00:00Z", "active", "2026-11-12T00:00:00Z"],
    ],
  );
  await insert(
    database,
    "pull_requests",
    [
      "enterprise",
      "repository_id",
      "number",
      "pull_request_id",
      "author_id",
      "author_login",
      "title",
      "head_ref",
      "base_ref",
      "state",
      "created_at",
      "updated_at",
      "merged_at",
      "merge_commit_sha",
      "additions",
      "deletions",
      "first_commit_at",
    ],
    [
      [
        enterprise,
        101,
        10,
        5010,
        1,
        "alice",
        "Add search",
        "feature/search",
        "main",
        "closed",
        "2026-11-02T20:00Z",
        "2026-11-03T08:00Z",
        "2026-11-03T08:00Z",
        "a3",
        100,
        10,
        "2026-11-02T18:00Z",
      ],
      [
        enterprise,
        101,
        11,
        5011,
        2,
        "bob",
        "Fix price rounding",
        "hotfix/price",
        "main",
        "closed",
        "2026-11-05T11:00Z",
        "2026-11-05T13:00Z",
        "2026-11-05T13:00Z",
        "a5",
        30,
        3,
        "2026-11-05T09:00Z",
      ],
      [
        enterprise,
        101,
        12,
        5012,
        3,
        "carol",
        "Add cart",
        "feature/cart",
        "main",
        "closed",
        "2026-11-09T06:00Z",
        "2026-11-09T08:00Z",
        "2026-11-09T08:00Z",
        "b1",
        50,
        5,
        "2026-11-09T05:00Z",
      ],
      [
        enterprise,
        101,
        13,
        5013,
        1,
        "alice",
        'Revert "Add cart"',
        "revert-12-feature/cart",
        "main",
        "closed",
        "2026-11-11T03:00Z",
        "2026-11-11T04:00Z",
        "2026-11-11T04:00Z",
        "b2",
        10,
        100,
        "2026-11-11T03:00Z",
      ],
      [
        enterprise,
        102,
        1,
        5101,
        1,
        "alice",
        "Write the guide",
        "guide",
        "main",
        "closed",
        "2026-11-02T09:00Z",
        "2026-11-02T12:00Z",
        "2026-11-02T12:00Z",
        "d1",
        20,
        2,
        "2026-11-02T08:00Z",
      ],
      [
        enterprise,
        102,
        2,
        5102,
        2,
        "bob",
        "Fix typos",
        "typos",
        "main",
        "closed",
        "2026-11-03T09:00Z",
        "2026-11-03T15:00Z",
        "2026-11-03T15:00Z",
        "d2",
        40,
        4,
        null,
      ],
      [
        enterprise,
        102,
        3,
        5103,
        99,
        "dependabot[bot]",
        "Bump lodash",
        "dependabot/lodash",
        "main",
        "open",
        "2026-11-04T09:00Z",
        "2026-11-04T09:00Z",
        null,
        null,
        null,
        null,
        null,
      ],
      [
        enterprise,
        102,
        4,
        5104,
        1,
        "alice",
        "Release notes",
        "notes",
        "release",
        "closed",
        "2026-11-04T10:00Z",
        "2026-11-04T16:00Z",
        "2026-11-04T16:00Z",
        "d4",
        5,
        1,
        null,
      ],
    ],
  );
  await insert(
    database,
    "pull_request_reviews",
    ["enterprise", "repository_id", "pull_number", "review_id", "reviewer_id", "reviewer_login", "state", "submitted_at"],
    [
      // On #10 a bot and the author commented first: the first review is bob's.
      [enterprise, 101, 10, 1, 98, "copilot-pull-request-reviewer[bot]", "COMMENTED", "2026-11-02T21:00Z"],
      [enterprise, 101, 10, 2, 1, "alice", "COMMENTED", "2026-11-03T01:00Z"],
      [enterprise, 101, 10, 3, 2, "bob", "APPROVED", "2026-11-03T02:00Z"],
      [enterprise, 101, 12, 4, 4, "dave", "COMMENTED", "2026-11-09T07:00Z"],
      [enterprise, 101, 13, 5, 2, "bob", "APPROVED", "2026-11-11T03:30Z"],
      [enterprise, 102, 2, 6, 1, "alice", "APPROVED", "2026-11-03T10:00Z"],
    ],
  );
  await insert(
    database,
    "commits",
    ["enterprise", "repository_id", "sha", "author_id", "author_login", "authored_at", "committed_at"],
    [
      [enterprise, 101, "a1", 1, "alice", "2026-11-02T08:05Z", "2026-11-02T08:05Z"],
      [enterprise, 101, "a2", 1, "alice", "2026-11-03T00:00Z", "2026-11-03T00:00Z"],
      [enterprise, 101, "a3", 1, "alice", "2026-11-03T08:00Z", "2026-11-03T08:00Z"],
      [enterprise, 101, "a4", 2, "bob", "2026-11-05T09:00Z", "2026-11-05T09:00Z"],
      [enterprise, 101, "a5", 2, "bob", "2026-11-05T13:00Z", "2026-11-05T13:00Z"],
      [enterprise, 101, "b1", 3, "carol", "2026-11-09T08:00Z", "2026-11-09T08:00Z"],
      [enterprise, 101, "b2", 1, "alice", "2026-11-11T04:00Z", "2026-11-11T04:00Z"],
      [enterprise, 102, "d1", 1, "alice", "2026-11-02T08:00Z", "2026-11-02T12:00Z"],
      [enterprise, 102, "r1", 97, "renovate[bot]", "2026-11-04T01:00Z", "2026-11-04T01:00Z"],
      // An email linked to no account: counts for the repository, names no developer.
      [enterprise, 102, "u1", null, null, "2026-11-04T02:00Z", "2026-11-04T02:00Z"],
      [enterprise, 103, "c1", 4, "dave", "2026-11-03T08:00Z", "2026-11-03T09:00Z"],
      [enterprise, 103, "c2", 4, "dave", "2026-11-04T12:00Z", "2026-11-04T13:00Z"],
    ],
  );
  // final_state and final_state_at are what the sync derives from the statuses (inactive ignored).
  await insert(
    database,
    "deployments",
    [
      "enterprise",
      "repository_id",
      "deployment_id",
      "sha",
      "environment",
      "created_at",
      "updated_at",
      "final_state",
      "final_state_at",
      "commits_status",
    ],
    [
      [enterprise, 101, 1, "a1", "production", "2026-11-02T10:00Z", "2026-11-02T10:05Z", "success", "2026-11-02T10:05Z", "first"],
      [enterprise, 101, 2, "a3", "production", "2026-11-03T11:55Z", "2026-11-03T12:00Z", "success", "2026-11-03T12:00Z", "compared"],
      [enterprise, 101, 3, "a3", "Production", "2026-11-04T09:00Z", "2026-11-04T09:00Z", "success", "2026-11-04T09:00Z", "compared"],
      [enterprise, 101, 4, "a4", "production", "2026-11-05T10:00Z", "2026-11-05T10:10Z", "failure", "2026-11-05T10:10Z", null],
      [enterprise, 101, 5, "a5", "production", "2026-11-05T14:00Z", "2026-11-05T14:10Z", "success", "2026-11-05T14:10Z", "compared"],
      [enterprise, 101, 6, "b1", "production", "2026-11-09T09:55Z", "2026-11-09T10:00Z", "success", "2026-11-09T10:00Z", "base_missing"],
      [enterprise, 101, 7, "b2", "production", "2026-11-11T09:55Z", "2026-11-11T10:00Z", "success", "2026-11-11T10:00Z", "compared"],
      [enterprise, 101, 8, "b2", "staging", "2026-11-11T10:55Z", "2026-11-11T11:00Z", "success", "2026-11-11T11:00Z", null],
    ],
  );
  await insert(
    database,
    "deployment_commits",
    ["enterprise", "repository_id", "deployment_id", "sha", "authored_at", "committed_at"],
    [
      [enterprise, 101, 1, "a1", "2026-11-02T08:05Z", "2026-11-02T08:05Z"],
      [enterprise, 101, 2, "a2", "2026-11-03T00:00Z", "2026-11-03T00:00Z"],
      [enterprise, 101, 2, "a3", "2026-11-03T08:00Z", "2026-11-03T08:00Z"],
      [enterprise, 101, 5, "a4", "2026-11-05T09:00Z", "2026-11-05T09:00Z"],
      [enterprise, 101, 5, "a5", "2026-11-05T13:00Z", "2026-11-05T13:00Z"],
      [enterprise, 101, 6, "b1", "2026-11-09T08:00Z", "2026-11-09T08:00Z"],
      [enterprise, 101, 7, "b2", "2026-11-11T04:00Z", "2026-11-11T04:00Z"],
    ],
  );
  await insert(
    database,
    "workflow_runs",
    [
      "enterprise",
      "repository_id",
      "run_id",
      "workflow_id",
      "name",
      "path",
      "head_branch",
      "head_sha",
      "event",
      "status",
      "conclusion",
      "created_at",
      "updated_at",
    ],
    [
      [
        enterprise,
        103,
        900,
        7,
        "Deploy",
        ".github/workflows/deploy.yml",
        "main",
        "c1",
        "push",
        "completed",
        "success",
        "2026-11-03T10:00Z",
        "2026-11-03T10:30Z",
      ],
      [
        enterprise,
        103,
        901,
        7,
        "Deploy",
        ".github/workflows/deploy.yml",
        "main",
        "c1",
        "push",
        "completed",
        "failure",
        "2026-11-04T10:00Z",
        "2026-11-04T10:20Z",
      ],
      [
        enterprise,
        103,
        902,
        7,
        "Deploy",
        ".github/workflows/deploy.yml",
        "main",
        "c2",
        "push",
        "completed",
        "success",
        "2026-11-05T10:00Z",
        "2026-11-05T10:40Z",
      ],
      [
        enterprise,
        103,
        903,
        8,
        "CI",
        ".github/workflows/ci.yml",
        "main",
        "c2",
        "push",
        "completed",
        "success",
        "2026-11-05T09:00Z",
        "2026-11-05T09:10Z",
      ],
    ],
  );
  await insert(
    database,
    "incidents",
    ["enterprise", "repository_id", "issue_number", "issue_id", "title", "labels", "state", "created_at", "updated_at", "closed_at"],
    [
      [
        enterprise,
        101,
        100,
        9100,
        "Checkout down",
        ["incident", "sev1"],
        "closed",
        "2026-11-06T09:00Z",
        "2026-11-06T11:10Z",
        "2026-11-06T11:10Z",
      ],
      [enterprise, 101, 101, 9101, "Cart empty", ["Incident"], "open", "2026-11-10T09:00Z", "2026-11-10T09:00Z", null],
    ],
  );
  await insert(
    database,
    "copilot_user_daily",
    [
      "enterprise",
      "scope",
      "organization",
      "day",
      "user_id",
      "user_login",
      "code_generation_activity_count",
      "code_acceptance_activity_count",
      "source_report",
    ],
    [
      // alice: two active days; on 11-03 the enterprise record wins over the organization's.
      [enterprise, "enterprise", "", "2026-11-02", 1, "alice", 10, 4, "users-1-day"],
      [enterprise, "enterprise", "", "2026-11-03", 1, "alice", 6, 3, "users-1-day"],
      [enterprise, "organization", org, "2026-11-03", 1, "alice", 5, 2, "users-1-day"],
    ],
  );
}

const definitions = metricDefinitions(parseSettings({ DORA_DEPLOY_WORKFLOWS: "deploy.yml" }));

const doraColumns = `organization, repository, week::text, deployment_source, deployment_attempts, deployments, deployment_days,
  deployment_frequency_per_day::float8, deployment_days_28d, lead_time_changes, lead_time_median_hours::float8, prs_deployed,
  pr_lead_time_median_hours::float8, coding_time_median_hours::float8, pickup_time_median_hours::float8,
  review_time_median_hours::float8, deploy_time_median_hours::float8, failed_deployments, change_failure_rate::float8, incidents,
  recovered_failures, unrecovered_failures, recovery_time_median_hours::float8, rework_deployments, rework_rate::float8,
  deployment_frequency_level, lead_time_level, change_failure_rate_level, recovery_time_level`;

async function doraRows(database: TestDatabase): Promise<unknown[][]> {
  const result = await database.pool.query({
    text: `select ${doraColumns} from dora_weekly order by week, organization desc, repository_id`,
    rowMode: "array",
  });
  return result.rows;
}

const velocityColumns = `organization, repository, developer, developer_id, week::text, developers, prs_opened, prs_merged, commits, reviews_given,
  cycle_time_median_hours::float8, coding_time_median_hours::float8, pickup_time_median_hours::float8, review_time_median_hours::float8,
  first_review_median_hours::float8, lines_added, lines_deleted, copilot_developers, copilot_active_days, copilot_code_generations,
  copilot_code_acceptances`;

async function velocityRows(database: TestDatabase): Promise<unknown[][]> {
  const result = await database.pool.query({
    text: `select ${velocityColumns} from velocity_weekly order by week, organization desc, repository_id, developer`,
    rowMode: "array",
  });
  return result.rows;
}

describe("weekly DORA and velocity metrics over a hand-built history", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await buildHistory(database);
  });
  afterAll(async () => {
    await database.drop();
  });

  it("computes every DORA figure and level per repository, organization and enterprise as worked by hand", async () => {
    const result = await computeWeeklyMetrics(database.pool, { enterprises: [enterprise], today: "2026-11-12", definitions });
    expect(result.weeks).toBe(2);

    // Columns: organization, repository, week, source, attempts, deployments, deployment days, per day, days in 28,
    // changes, lead time, PRs deployed, PR lead time, coding, pickup, review, deploy, failed, CFR, incidents,
    // recovered, unrecovered, recovery time, rework, rework rate, then the four levels.
    // One row a line, as the hand-worked figures above each row read.
    // prettier-ignore
    expect(await doraRows(database)).toEqual([
      // acme-web W1: 10 attempts, 8 deployments on days 11-02..11-05 (4; 8/7 = 1.1429).
      //   Lead: 1.1667 2 2.5 4 4 5.1667 6 12 22.6667 -> 4h. PRs #10 #11 #1 #2: lead 4 5.1667 6 18 -> 5.58; coding 1 2 2
      //   -> 2; pickup 1 6 -> 3.5; review 5 6 -> 5.5; deploy 0 0 1.1667 4 -> 0.58. Failed 3/10 = 0.3 (low); recovery
      //   4 21 24.33 -> 21h (high); rework 1/8 = 0.125.
      ["acme-web", "", "2026-11-02", "mixed", 10, 8, 4, 1.1429, 4, 9, 4, 4, 5.58, 2, 3.5, 5.5, 0.58, 3, 0.3, 1, 3, 0, 21, 1, 0.125, "high", "elite", "low", "high"],
      // shop W1: attempts D1-D5 (5), successes D1 D2 D3 D5 on 4 days (4/7 = 0.5714 a day).
      //   Lead time per commit: a1 10:05-08:05 = 2h; a2 12:00-00:00 = 12h; a3 12:00-08:00 = 4h; D3 none;
      //   a4 14:10-09:00 = 5.1667h; a5 14:10-13:00 = 1.1667h -> median of 5 = 4h (elite).
      //   PRs: #10 first commit 11-02 18:00 -> D2 11-03 12:00 = 18h, coding 20:00-18:00 = 2h, pickup (bob, not the bot
      //   nor the author) 02:00-20:00 = 6h, review 08:00-02:00 = 6h, deploy 12:00-08:00 = 4h;
      //   #11 09:00 -> 14:10 = 5.1667h, coding 2h, no review, deploy 14:10-13:00 = 1.1667h.
      //   Medians: (18 + 5.1667) / 2 = 11.58; 2; 6; 6; (4 + 1.1667) / 2 = 2.58.
      //   Failed: D4 (status, recovered by D5: 4h), D5 (incident #100 closed 11-06 11:10: 21h) -> 2/5 = 0.4 (low);
      //   recovery median (4 + 21) / 2 = 12.5h (high). Rework: D5 ships the hotfix #11 -> 1/4 = 0.25.
      //   Deployment days in the 28 days to W1's end: 4 (high).
      ["acme-web", "shop", "2026-11-02", "deployment", 5, 4, 4, 0.5714, 4, 5, 4, 2, 11.58, 2, 6, 6, 2.58, 2, 0.4, 1, 2, 0, 12.5, 1, 0.25, "high", "elite", "low", "high"],
      // docs W1 (PR-only): merges #1 (11-02) and #2 (11-03); #4 went to "release". Lead per PR: #1 12:00-08:00 = 4h,
      //   #2 15:00-09:00 (opened; first commit unknown) = 6h -> 5h. Coding 1h (#1 only), pickup 1h and review 5h (#2
      //   only; #1 merged without review), deploy 0. No failure: 0/2 = 0 (elite). 2 days in 28 (medium).
      ["acme-web", "docs", "2026-11-02", "pull_request", 2, 2, 2, 0.2857, 2, 2, 5, 2, 5, 1, 1, 5, 0, 0, 0, 0, 0, 0, null, 0, 0, "medium", "elite", "elite", null],
      // api W1 (deploy.yml on main): runs 900 and 902 succeed (11-03, 11-05), 901 fails.
      //   Lead: c1 (committed by run 900's start) 10:30-08:00 = 2.5h; c2 (after run 900 started, by run 902's)
      //   11-05 10:40 - 11-04 12:00 = 22.6667h -> 12.58h (elite). Failed 1/3 = 0.3333 (low), recovered by run 902:
      //   11-05 10:40 - 11-04 10:20 = 24.33h (medium).
      ["acme-web", "api", "2026-11-02", "workflow", 3, 2, 2, 0.2857, 2, 2, 12.58, 0, null, null, null, null, null, 1, 0.3333, 0, 1, 0, 24.33, 0, 0, "medium", "elite", "low", "medium"],
      // The enterprise: one organization, the same figures.
      ["", "", "2026-11-02", "mixed", 10, 8, 4, 1.1429, 4, 9, 4, 4, 5.58, 2, 3.5, 5.5, 0.58, 3, 0.3, 1, 3, 0, 21, 1, 0.125, "high", "elite", "low", "high"],
      ["acme-web", "", "2026-11-09", "mixed", 2, 2, 2, 0.2857, 6, 2, 4, 2, 6, 0.5, 0.75, 0.75, 4, 1, 0.5, 1, 0, 1, null, 1, 0.5, "high", "elite", "low", null],
      // shop W2: D6 and D7. Lead b1 10:00-08:00 = 2h (only the head: the old sha is gone), b2 10:00-04:00 = 6h -> 4h.
      //   PRs #12 5h (coding 1, pickup 1, review 1, deploy 2), #13 7h (coding 0, pickup 0.5, review 0.5, deploy 6) ->
      //   6, 0.5, 0.75, 0.75, 4. D6 failed (open incident #101, and #12 reverted): 1/2 = 0.5 (low), not recovered.
      //   D7 ships the revert: rework 1/2. Days in the 28 days to W2's end: 11-02..05, 09, 11 = 6 (high).
      ["acme-web", "shop", "2026-11-09", "deployment", 2, 2, 2, 0.2857, 6, 2, 4, 2, 6, 0.5, 0.75, 0.75, 4, 1, 0.5, 1, 0, 1, null, 1, 0.5, "high", "elite", "low", null],
      // docs and api W2: no deployments; their rows stay, with the 28-day days of W1.
      ["acme-web", "docs", "2026-11-09", "pull_request", 0, 0, 0, 0, 2, 0, null, 0, null, null, null, null, null, 0, null, 0, 0, 0, null, 0, null, "medium", null, null, null],
      ["acme-web", "api", "2026-11-09", "workflow", 0, 0, 0, 0, 2, 0, null, 0, null, null, null, null, null, 0, null, 0, 0, 0, null, 0, null, "medium", null, null, null],
      ["", "", "2026-11-09", "mixed", 2, 2, 2, 0.2857, 6, 2, 4, 2, 6, 0.5, 0.75, 0.75, 4, 1, 0.5, 1, 0, 1, null, 1, 0.5, "high", "elite", "low", null],
    ]);
  });

  it("computes every velocity figure per developer, repository, organization and enterprise as worked by hand", async () => {
    // Columns: organization, repository, developer, id, week, developers, opened, merged, commits, reviews given,
    // cycle, coding, pickup, review, first review, lines added, deleted, Copilot developers, active days, generations,
    // acceptances. Bots (dependabot, renovate, the Copilot reviewer) appear nowhere.
    // One row a line, as the hand-worked figures above each row read.
    // prettier-ignore
    expect(await velocityRows(database)).toEqual([
      // acme-web W1: cycle 2 3 6 6 12 -> 6; coding 1 2 2 -> 2; pickup 1 6 -> 3.5; review 5 6 -> 5.5; first review 1 6 -> 3.5.
      ["acme-web", "", "", null, "2026-11-02", 3, 5, 5, 9, 2, 6, 2, 3.5, 5.5, 3.5, 195, 20, 1, null, null, null],
      // W1 developers. alice: opened #10 #1 #4, merged the same; cycle 12 3 6 -> 6; coding 2 1 -> 1.5; pickup 6 (#10);
      //   review 6; first review of her PRs that came in W1: #10 6h; reviewed #2 (her own comment on #10 is not a review);
      //   commits a1 a2 a3 d1; lines 100+20+5 / 10+2+1; Copilot 11-02 and 11-03 (enterprise records): 16 / 7.
      ["acme-web", "", "alice", 1, "2026-11-02", 1, 3, 3, 4, 1, 6, 1.5, 6, 6, 6, 125, 13, 1, 2, 16, 7],
      // bob: #11 (cycle 2h, coding 2h, no review) and #2 (6h, pickup 1h, review 5h, first review 1h); reviewed #10; a4 a5.
      ["acme-web", "", "bob", 2, "2026-11-02", 1, 2, 2, 2, 1, 4, 2, 1, 5, 1, 70, 7, 0, 0, 0, 0],
      ["acme-web", "", "dave", 4, "2026-11-02", 1, 0, 0, 2, 0, null, null, null, null, null, 0, 0, 0, 0, 0, 0],
      // Repositories W1. shop: alice and bob; #10 #11 cycle 12 2 -> 7.
      ["acme-web", "shop", "", null, "2026-11-02", 2, 2, 2, 5, 1, 7, 2, 6, 6, 6, 130, 13, 1, null, null, null],
      // docs: #1 #2 #4 (cycle 3 6 6 -> 6); commits d1 and the unlinked u1 (renovate's r1 is a bot's).
      ["acme-web", "docs", "", null, "2026-11-02", 2, 3, 3, 2, 1, 6, 1, 1, 5, 1, 65, 7, 1, null, null, null],
      ["acme-web", "api", "", null, "2026-11-02", 1, 0, 0, 2, 0, null, null, null, null, null, 0, 0, 0, null, null, null],
      ["", "", "", null, "2026-11-02", 3, 5, 5, 9, 2, 6, 2, 3.5, 5.5, 3.5, 195, 20, 1, null, null, null],
      ["acme-web", "", "", null, "2026-11-09", 4, 2, 2, 2, 2, 1.5, 0.5, 0.75, 0.75, 0.75, 60, 105, 0, null, null, null],
      // W2. alice: the revert #13 (opened 03:00, merged 04:00: cycle 1h, coding 0, pickup and review 0.5h), commit b2.
      ["acme-web", "", "alice", 1, "2026-11-09", 1, 1, 1, 1, 0, 1, 0, 0.5, 0.5, 0.5, 10, 100, 0, 0, 0, 0],
      ["acme-web", "", "bob", 2, "2026-11-09", 1, 0, 0, 0, 1, null, null, null, null, null, 0, 0, 0, 0, 0, 0],
      // carol: #12 (cycle 2h, coding 1h, pickup 1h, review 1h), commit b1.
      ["acme-web", "", "carol", 3, "2026-11-09", 1, 1, 1, 1, 0, 2, 1, 1, 1, 1, 50, 5, 0, 0, 0, 0],
      ["acme-web", "", "dave", 4, "2026-11-09", 1, 0, 0, 0, 1, null, null, null, null, null, 0, 0, 0, 0, 0, 0],
      ["acme-web", "shop", "", null, "2026-11-09", 4, 2, 2, 2, 2, 1.5, 0.5, 0.75, 0.75, 0.75, 60, 105, 0, null, null, null],
      ["", "", "", null, "2026-11-09", 4, 2, 2, 2, 2, 1.5, 0.5, 0.75, 0.75, 0.75, 60, 105, 0, null, null, null],
    ]);
  });

  it("recomputes only the weeks a change reaches: closing the open incident changes W2 and leaves W1 as it was", async () => {
    const before = await database.pool.query<{ week: string; computed_at: Date }>(
      "select distinct week::text, computed_at from dora_weekly order by week",
    );
    await database.pool.query(
      "update incidents set state = 'closed', closed_at = '2026-11-12T09:00Z', updated_at = '2026-11-12T09:00Z', synced_at = now() where issue_number = 101",
    );

    const result = await computeWeeklyMetrics(database.pool, { enterprises: [enterprise], today: "2026-11-12", definitions });

    expect(result.weeks).toBe(1);
    const after = await database.pool.query<{ week: string; computed_at: Date }>(
      "select distinct week::text, computed_at from dora_weekly order by week",
    );
    expect(after.rows[0]).toEqual(before.rows[0]);
    expect(after.rows[1]!.computed_at.getTime()).toBeGreaterThan(before.rows[1]!.computed_at.getTime());
    // D6 recovers when its last signal is resolved: the incident closed 11-12 09:00 (the revert merged earlier),
    // 11-12 09:00 - 11-09 10:00 = 71h (medium).
    const shop = await database.pool.query({
      text: "select recovered_failures, unrecovered_failures, recovery_time_median_hours::float8, recovery_time_level from dora_weekly where repository = 'shop' and week = '2026-11-09'",
      rowMode: "array",
    });
    expect(shop.rows).toEqual([[1, 0, 71, "medium"]]);
  });

  it("recomputes nothing when nothing changed, and everything when a definition changed", async () => {
    expect((await computeWeeklyMetrics(database.pool, { enterprises: [enterprise], today: "2026-11-12", definitions })).weeks).toBe(0);

    // Without the incident signal D5 and D6 keep only their other signals: shop W1 fails D4 only (1/5 = 0.2).
    const withoutIncidents = { ...definitions, failureSignals: ["deployment_status" as const, "revert" as const] };
    const result = await computeWeeklyMetrics(database.pool, {
      enterprises: [enterprise],
      today: "2026-11-12",
      definitions: withoutIncidents,
    });

    expect(result.weeks).toBe(2);
    const shop = await database.pool.query({
      text: "select week::text, failed_deployments, change_failure_rate::float8, recovery_time_median_hours::float8 from dora_weekly where repository = 'shop' order by week",
      rowMode: "array",
    });
    // W2: D6 still failed by the revert of #12, recovered when it merged: 11-11 04:00 - 11-09 10:00 = 42h.
    expect(shop.rows).toEqual([
      ["2026-11-02", 1, 0.2, 4],
      ["2026-11-09", 1, 0.5, 42],
    ]);
  });
});
