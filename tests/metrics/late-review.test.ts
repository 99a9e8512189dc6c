import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { computeWeeklyMetrics, metricDefinitions } from "../../src/metrics/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// One repository without deployments or a deploy workflow (its merges into main are its
// deployments), in the week of Monday 2026-11-02:
//   PR #1 alice  first commit 11-02 08:00, opened 09:00, merged 12:00, reviewed by bob at 14:00, after the merge
//   PR #2 bob    first commit 11-03 08:00, opened 09:00, reviewed by alice 10:00, merged 15:00
const history = `
insert into repositories (enterprise, repository_id, organization, name, default_branch, created_at, status, listed_at)
values ('acme', 201, 'acme-web', 'docs', 'main', '2026-01-01Z', 'active', now());

insert into pull_requests (enterprise, repository_id, number, pull_request_id, author_id, author_login, title, head_ref, base_ref,
                           state, created_at, updated_at, merged_at, merge_commit_sha, additions, deletions, first_commit_at)
values ('acme', 201, 1, 8001, 1, 'alice', 'Write the guide', 'guide', 'main', 'closed',
        '2026-11-02 09:00Z', '2026-11-02 14:00Z', '2026-11-02 12:00Z', 'g1', 10, 1, '2026-11-02 08:00Z'),
       ('acme', 201, 2, 8002, 2, 'bob', 'Fix typos', 'typos', 'main', 'closed',
        '2026-11-03 09:00Z', '2026-11-03 15:00Z', '2026-11-03 15:00Z', 'g2', 4, 4, '2026-11-03 08:00Z');

insert into pull_request_reviews (enterprise, repository_id, pull_number, review_id, reviewer_id, reviewer_login, state, submitted_at)
values ('acme', 201, 1, 9001, 2, 'bob', 'APPROVED', '2026-11-02 14:00Z'),
       ('acme', 201, 2, 9002, 1, 'alice', 'APPROVED', '2026-11-03 10:00Z');
`;

const definitions = metricDefinitions(parseSettings({}));

describe("a review after the merge", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.pool.query(history);
    await computeWeeklyMetrics(database.pool, { enterprises: ["acme"], today: "2026-11-05", definitions });
  });
  afterAll(async () => {
    await database.drop();
  });

  it("is no review of the pull request: it gives DORA no pickup or review time", async () => {
    const result = await database.pool.query({
      text: `select organization, repository, prs_deployed, pickup_time_median_hours::float8, review_time_median_hours::float8
             from dora_weekly where week = '2026-11-02' order by organization, repository_id`,
      rowMode: "array",
    });
    // #1's review would give it a pickup of 5h (and a negative review time, dropped): the medians are #2's alone.
    expect(result.rows).toEqual([
      ["", "", 2, 1, 5],
      ["acme-web", "", 2, 1, 5],
      ["acme-web", "docs", 2, 1, 5],
    ]);
  });

  it("is no review of the pull request for velocity either, but still the first review of it", async () => {
    const result = await database.pool.query({
      text: `select organization, repository, developer, pickup_time_median_hours::float8, review_time_median_hours::float8,
               first_review_median_hours::float8
             from velocity_weekly where week = '2026-11-02' order by organization, repository_id, developer`,
      rowMode: "array",
    });
    // Pickup and review: #2 only (1h, 5h). First review, per pull request whose first review came in the week:
    // #1 14:00-09:00 = 5h, #2 1h -> 3h.
    expect(result.rows).toEqual([
      ["", "", "", 1, 5, 3],
      ["acme-web", "", "", 1, 5, 3],
      ["acme-web", "", "alice", null, null, 5],
      ["acme-web", "", "bob", 1, 5, 1],
      ["acme-web", "docs", "", 1, 5, 3],
    ]);
  });
});
