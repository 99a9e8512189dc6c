import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { computeWeeklyMetrics, metricDefinitions } from "../../src/metrics/index.js";
import { createTestDatabase, dumpTable, type TestDatabase } from "../support/database.js";

// A generated history of 207 days (Monday 2026-05-04 to Thursday 2026-11-26; 31 weeks with the week in
// which the first pull requests were opened) in which
// windows, windows of 28 days, reverts, incidents, reviews and redeployments cross weeks, so that
// they cross the boundaries of any split of the weeks into ranges:
//   shop (301)  production deployments every other day at 15:00 (those of day 4 mod 10 fail), each
//               successful one shipping the commits since the last; PR d merged as commit "d-b" at
//               13:00, every 9th a revert of the one before, every 11th a hotfix; every 14th
//               deployment redeployed (same commits, shared) a week later; an incident every 15
//               days, closed two days later, the last one still open
//   api (302)   a daily run of deploy.yml on main at 10:00-10:30 (every 4th fails) and commits at 07:00
//   docs (303)  a pull request a day into main, reviewed the next morning and merged at noon
const history = `
insert into repositories (enterprise, repository_id, organization, name, default_branch, created_at, status, listed_at)
values ('acme', 301, 'acme-web', 'shop', 'main', '2026-01-01Z', 'active', now()),
       ('acme', 302, 'acme-web', 'api', 'main', '2026-01-01Z', 'active', now()),
       ('acme', 303, 'acme-web', 'docs', 'main', '2026-01-01Z', 'active', now());

create temporary table days as select d, timestamptz '2026-05-04 00:00Z' + d * interval '1 day' as at from generate_series(0, 206) d;

insert into commits (enterprise, repository_id, sha, author_id, author_login, authored_at, committed_at)
select 'acme', 301, d || '-' || part, d % 4 + 1, 'dev' || (d % 4 + 1), at + hour, at + hour
from days cross join (values ('a', interval '8 hours'), ('b', interval '13 hours')) as parts (part, hour)
union all
select 'acme', 302, 'api-' || d, d % 3 + 1, 'dev' || (d % 3 + 1), at + interval '7 hours', at + interval '7 hours' from days;

insert into pull_requests (enterprise, repository_id, number, pull_request_id, author_id, author_login, title, head_ref, base_ref,
                           state, created_at, updated_at, merged_at, merge_commit_sha, additions, deletions, first_commit_at)
select 'acme', 301, d + 1, 30000 + d, d % 4 + 1, 'dev' || (d % 4 + 1),
       case when d % 9 = 8 then 'Revert "Change ' || d || '"' else 'Change ' || (d + 1) end,
       case when d % 9 = 8 then 'revert-' || d || '-change' when d % 11 = 10 then 'hotfix/change-' || (d + 1) else 'change-' || (d + 1) end,
       'main', 'closed', at - interval '14 hours', at + interval '13 hours', at + interval '13 hours', d || '-b', 10 + d, d % 7,
       at - interval '20 hours'
from days
union all
select 'acme', 303, d + 1, 40000 + d, d % 3 + 1, 'dev' || (d % 3 + 1), 'Docs ' || d, 'docs-' || d, 'main', 'closed',
       at + interval '9 hours', at + interval '36 hours', at + interval '36 hours', 'docs-' || d, 5, 1, at + interval '8 hours'
from days where d < 206;

insert into pull_request_reviews (enterprise, repository_id, pull_number, review_id, reviewer_id, reviewer_login, state, submitted_at)
select 'acme', 301, d + 1, 50000 + d, (d + 1) % 4 + 1, 'dev' || ((d + 1) % 4 + 1), 'APPROVED', at + interval '2 hours' from days
union all
select 'acme', 303, d + 1, 60000 + d, (d + 1) % 3 + 1, 'dev' || ((d + 1) % 3 + 1), 'APPROVED', at + interval '32 hours' from days where d < 206;

insert into deployments (enterprise, repository_id, deployment_id, sha, environment, created_at, updated_at, final_state, final_state_at, commits_status)
select 'acme', 301, d, d || '-b', 'production', at + interval '15 hours', at + interval '15 hours',
       case when d % 10 = 4 then 'failure' else 'success' end, at + interval '15 hours', 'compared'
from days where d % 2 = 0
union all
select 'acme', 301, 1000 + d, d || '-b', 'production', at + interval '7 days 16 hours', at + interval '7 days 16 hours', 'success',
       at + interval '7 days 16 hours', 'compared'
from days where d % 14 = 0 and d < 196;

-- each commit ships with the first successful deployment at or after its day
insert into deployment_commits (enterprise, repository_id, deployment_id, sha, authored_at, committed_at, shared)
select 'acme', 301, shipped.k, c.sha, c.authored_at, c.committed_at, shipped.k % 14 = 0
from commits c
cross join lateral (select split_part(c.sha, '-', 1)::int as d) day
cross join lateral (select case when (day.d + day.d % 2) % 10 = 4 then day.d + day.d % 2 + 2 else day.d + day.d % 2 end as k) shipped
where c.repository_id = 301 and shipped.k <= 206;
insert into deployment_commits (enterprise, repository_id, deployment_id, sha, authored_at, committed_at, shared)
select enterprise, repository_id, 1000 + deployment_id, sha, authored_at, committed_at, true
from deployment_commits where deployment_id % 14 = 0 and deployment_id < 196;

insert into incidents (enterprise, repository_id, issue_number, issue_id, title, labels, state, created_at, updated_at, closed_at)
select 'acme', 301, 500 + d, 70000 + d, 'Outage ' || d, array['incident'], case when d = 195 then 'open' else 'closed' end,
       at + interval '16 hours', at + interval '2 days', case when d = 195 then null else at + interval '2 days 16 hours' end
from days where d % 15 = 0;

insert into workflow_runs (enterprise, repository_id, run_id, workflow_id, name, path, head_branch, head_sha, event, status, conclusion, created_at, updated_at)
select 'acme', 302, 900 + d, 7, 'Deploy', '.github/workflows/deploy.yml', 'main', 'api-' || d, 'push', 'completed',
       case when d % 4 = 3 then 'failure' else 'success' end, at + interval '10 hours', at + interval '10 hours 30 minutes'
from days;
`;

const definitions = metricDefinitions(parseSettings({ DORA_DEPLOY_WORKFLOWS: "deploy.yml" }));

async function computedTables(database: TestDatabase): Promise<{ dora: unknown[]; velocity: unknown[] }> {
  const withoutStamp = (rows: unknown[]) => rows.map((row) => ({ ...(row as Record<string, unknown>), computed_at: undefined }));
  return {
    dora: withoutStamp(await dumpTable(database.pool, "dora_weekly", "enterprise, week, organization, repository_id")),
    velocity: withoutStamp(
      await dumpTable(database.pool, "velocity_weekly", "enterprise, week, organization, repository_id, developer_id nulls first"),
    ),
  };
}

describe("weekly metrics computed in ranges of weeks", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.pool.query(history);
    await database.pool.query("analyze");
  });
  afterAll(async () => {
    await database.drop();
  });

  it("gives the same figures whether the 31 weeks are computed in one range or in ranges of 4, two at once", async () => {
    const single = await computeWeeklyMetrics(database.pool, {
      enterprises: ["acme"],
      today: "2026-11-26",
      full: true,
      definitions,
      weeksPerRange: 1000,
      parallel: 1,
    });
    expect(single.weeks).toBe(31);
    const whole = await computedTables(database);

    await database.pool.query("delete from dora_weekly; delete from velocity_weekly");
    const split = await computeWeeklyMetrics(database.pool, {
      enterprises: ["acme"],
      today: "2026-11-26",
      full: true,
      definitions,
      weeksPerRange: 4,
      parallel: 2,
    });

    expect(split).toEqual(single);
    const ranged = await computedTables(database);
    expect(ranged.dora).toEqual(whole.dora);
    expect(ranged.velocity).toEqual(whole.velocity);
    // Every source and every signal is present, so the comparison covers them. Worked by hand:
    const totals = await database.pool.query({
      text: `select repository, sum(deployments)::int, sum(failed_deployments)::int, sum(incidents)::int,
               sum(rework_deployments)::int, sum(prs_deployed)::int
             from dora_weekly where repository <> '' group by repository order by repository`,
      rowMode: "array",
    });
    expect(totals.rows).toEqual([
      // api: 207 runs, 51 failed (day 3 mod 4).
      ["api", 156, 51, 0, 0, 0],
      // docs: 206 merges, each its own deployment.
      ["docs", 206, 0, 0, 0, 206],
      // shop: 104 deployments, 21 failed (day 4 mod 10), plus 14 redeployments: 97.
      //   Failed: the 21, plus one per incident (14, each in a different window; the one at day 105 16:00 in the
      //   redeployment's window that starts at that instant), plus 9 that shipped a pull request reverted later
      //   (reverts merge at 13:00 on day 8 mod 9; only those whose target shipped the day before, on an even
      //   day whose deployment succeeded: 16, 52, 70, 88, 106, 142, 160, 178, 196) = 44.
      //   Rework: 23 reverts and 16 hotfixes (98 and 197 are reverts) ship in 37 deployments (46 and 56 ship one of each).
      //   Pull requests: all 207, once each; the redeployments ship nothing new.
      ["shop", 97, 44, 14, 37, 207],
    ]);
  });

  it("stops taking ranges when one fails and throws only once the ranges under way have finished", async () => {
    await database.pool.query("delete from dora_weekly; delete from velocity_weekly");
    // The first week's range writes slowly; the second's, beside it, fails.
    await database.pool.query(`
      create function slow_or_failing_week() returns trigger language plpgsql as $$
      begin
        if new.week = date '2026-04-27' then perform pg_sleep(1); else raise exception 'week % fails', new.week; end if;
        return new;
      end $$;
      create trigger slow_or_failing_week before insert on dora_weekly for each row
        when (new.organization = '' and new.week in (date '2026-04-27', date '2026-05-04')) execute function slow_or_failing_week();`);
    try {
      await expect(
        computeWeeklyMetrics(database.pool, {
          enterprises: ["acme"],
          today: "2026-11-26",
          full: true,
          definitions,
          weeksPerRange: 1,
          parallel: 2,
        }),
      ).rejects.toThrow("week 2026-05-04 fails");
      // When it throws, the slow range has committed, no later range was started, and no connection is still at work.
      const weeks = await database.pool.query<{ week: string }>("select distinct week::text as week from dora_weekly order by week");
      expect(weeks.rows.map((row) => row.week)).toEqual(["2026-04-27"]);
      const working = await database.pool.query<{ count: number }>(
        "select count(*)::int as count from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'",
      );
      expect(working.rows[0]?.count).toBe(0);
    } finally {
      await database.pool.query("drop trigger slow_or_failing_week on dora_weekly; drop function slow_or_failing_week()");
    }
  });
});
