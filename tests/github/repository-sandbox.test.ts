import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxRepositoryRoutes } from "../../src/sandbox/sandbox-repositories.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";

// The sandbox's repository activity (src/sandbox/sandbox-repositories.ts) as of Mon 2026-11-23,
// collected with the client pinned to API version 2026-03-10, whose REST pull requests carry no
// merge_commit_sha. octo-web/web-app has 24 merged pull requests; pull request n:
//   m(n) = floor(1.6 n) days after Tue 2026-10-13: merged that day at 15:00, its work commit
//   authored the day before at 09:00, opened then at 10:00, reviewed on the merge day at 11:00.
//   m(n) for n = 1..24: 1 3 4 6 8 9 11 12 14 16 17 19 20 22 24 25 27 28 30 32 33 35 36 38
// Every 3rd gets a production deployment of its merge commit, live on the merge day at 18:00
// (D12 fails). #11 reverts #10 and #22 reverts #21. Incident #500 opens Tue 2026-11-03 19:00.
// So each pull request's coding time is 10:00 - 09:00 = 1 h, pickup 11:00 - 10:00 (next day) = 25 h,
// review 15:00 - 11:00 = 4 h; deploy = 3 h + 24 h x (m(D) - m(n)); total = deploy + 30 h.
const today = "2026-11-23";
const now = new Date("2026-11-23T06:00:00Z");

describe("the sandbox's repository activity under API version 2026-03-10", () => {
  let database: TestDatabase;
  let github: GitHubServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(new ReportTable(), { routes: sandboxRepositoryRoutes(today) });
    const summary = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises: [{ slug: "octo-sandbox", orgs: ["octo-web"] }],
      from: "2026-11-22",
      to: "2026-11-22",
      now,
    });
    expect(summary.status).toBe("succeeded");
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  it("links every successful deployment to the pull requests it shipped, through their exact merge commits", async () => {
    const links = await database.pool.query(
      `select d.deployment_id % 1000 as deployment, d.final_state, array_remove(array_agg(p.number order by p.number), null) as pulls
       from deployments d
       join repositories r using (enterprise, repository_id)
       left join deployment_commits c using (enterprise, repository_id, deployment_id)
       left join pull_requests p on p.enterprise = c.enterprise and p.repository_id = c.repository_id and p.merge_commit_sha = c.sha
       where r.name = 'web-app'
       group by d.deployment_id, d.final_state order by d.deployment_id`,
    );
    // D3 is the first seen: its own commit. Each later one ships what merged since the previous
    // successful one; D12 failed, so D15 ships everything since D9.
    expect(links.rows).toEqual([
      { deployment: 3, final_state: "success", pulls: [3] },
      { deployment: 6, final_state: "success", pulls: [4, 5, 6] },
      { deployment: 9, final_state: "success", pulls: [7, 8, 9] },
      { deployment: 12, final_state: "failure", pulls: [] },
      { deployment: 15, final_state: "success", pulls: [10, 11, 12, 13, 14, 15] },
      { deployment: 18, final_state: "success", pulls: [16, 17, 18] },
      { deployment: 21, final_state: "success", pulls: [19, 20, 21] },
      { deployment: 24, final_state: "success", pulls: [22, 23, 24] },
    ]);
  });

  it("computes per-pull-request lead time, its split and the revert signals as worked by hand", async () => {
    const weeks = await database.pool.query(
      `select week::text, deployments, deployment_attempts, failed_deployments, rework_deployments, prs_deployed,
              pr_lead_time_median_hours::float8 as total, coding_time_median_hours::float8 as coding, pickup_time_median_hours::float8 as pickup,
              review_time_median_hours::float8 as review, deploy_time_median_hours::float8 as deploy
       from dora_weekly where repository = 'web-app' and deployments + deployment_attempts > 0 order by week`,
    );
    const split = { coding: 1, pickup: 25, review: 4 };
    expect(weeks.rows).toEqual([
      // D3 (m 4, Sat 10-17): #3 deploy 3 h, total 33 h.
      {
        week: "2026-10-12",
        deployments: 1,
        deployment_attempts: 1,
        failed_deployments: 0,
        rework_deployments: 0,
        prs_deployed: 1,
        total: 33,
        ...split,
        deploy: 3,
      },
      // D6 (m 9, Thu 10-22): #4 (m 6) 3 + 72 = 75, #5 (m 8) 27, #6 3: medians 27 and 57.
      {
        week: "2026-10-19",
        deployments: 1,
        deployment_attempts: 1,
        failed_deployments: 0,
        rework_deployments: 0,
        prs_deployed: 3,
        total: 57,
        ...split,
        deploy: 27,
      },
      // D9 (m 14, Tue 10-27): #7 (m 11) 75, #8 (m 12) 51, #9 3: medians 51 and 81. D9 fails by incident #500,
      // opened in its window [D9, D15); D12 (m 19, Sun 11-01) fails by its status.
      {
        week: "2026-10-26",
        deployments: 1,
        deployment_attempts: 2,
        failed_deployments: 2,
        rework_deployments: 0,
        prs_deployed: 3,
        total: 81,
        ...split,
        deploy: 51,
      },
      // D15 (m 24, Fri 11-06): #10..#15 (m 16 17 19 20 22 24) deploy 195 171 123 99 51 3, median (99 + 123) / 2 = 111,
      // total 141. It shipped the revert #11 (rework); #11 merged before D15, so it is no failure of it.
      {
        week: "2026-11-02",
        deployments: 1,
        deployment_attempts: 1,
        failed_deployments: 0,
        rework_deployments: 1,
        prs_deployed: 6,
        total: 141,
        ...split,
        deploy: 111,
      },
      // D18 (m 28, Tue 11-10): #16..#18 (m 25 27 28) 75 27 3; D21 (m 33, Sun 11-15): #19..#21 (m 30 32 33) 75 27 3:
      // median 27, total 57. #22 reverts #21 and merged after D21 (m 35): D21 failed.
      {
        week: "2026-11-09",
        deployments: 2,
        deployment_attempts: 2,
        failed_deployments: 1,
        rework_deployments: 0,
        prs_deployed: 6,
        total: 57,
        ...split,
        deploy: 27,
      },
      // D24 (m 38, Fri 11-20): #22..#24 (m 35 36 38) 75 51 3: medians 51 and 81; it shipped the revert #22.
      {
        week: "2026-11-16",
        deployments: 1,
        deployment_attempts: 1,
        failed_deployments: 0,
        rework_deployments: 1,
        prs_deployed: 3,
        total: 81,
        ...split,
        deploy: 51,
      },
    ]);
  });
});
