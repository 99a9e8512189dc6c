import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import {
  closedPull,
  commitLine,
  people,
  repository,
  repositoryRoutes,
  type FakeRepositoryData,
  type ServedRequest,
} from "../fakes/github-repositories.js";

// One organization, contoso-web, whose repositories cover what the collection must cope with:
//   shop      deployments (one force-pushed away from its predecessor), pull requests with reviews,
//             incidents, workflow runs
//   gone      still listed, but its endpoints answer 404
//   empty     no commits yet: 409
//   attic     archived: not synced
const now = new Date("2026-11-12T06:00:00Z");
const enterprises = [{ slug: "contoso", orgs: ["contoso-web"] }];
const day = "2026-11-11";

function shopHistory(): FakeRepositoryData["repositories"][number] {
  // main: m1..m4; m5 was deployed, then force-pushed away; x1 replaced it on main.
  const commits = [
    ...commitLine("m", 5, "2026-11-02T09:00:00Z", 24 * 60, people.alice),
    { sha: "x1", parents: ["m4"], author: people.bob, authoredAt: "2026-11-06T09:00:00Z", committedAt: "2026-11-06T09:00:00Z" },
  ];
  return repository("contoso-web", "shop", 11, {
    head: "x1",
    commits,
    pulls: [
      {
        number: 1,
        user: people.alice,
        title: "Add search",
        head: "search",
        base: "main",
        state: "closed",
        createdAt: "2026-11-03T08:00:00Z",
        updatedAt: "2026-11-04T10:00:00Z",
        closedAt: "2026-11-04T10:00:00Z",
        mergedAt: "2026-11-04T10:00:00Z",
        mergeCommitSha: "m3",
        additions: 120,
        deletions: 7,
        commits: ["m2", "m3"],
        reviews: [{ id: 501, user: people.bob, state: "APPROVED", submittedAt: "2026-11-04T09:00:00Z" }],
      },
      {
        number: 2,
        user: people.bob,
        title: "Try a cache",
        head: "cache",
        base: "main",
        state: "open",
        createdAt: "2026-11-05T08:00:00Z",
        updatedAt: "2026-11-05T08:00:00Z",
      },
      closedPull(3, "2026-11-05T09:00:00Z", people.carol),
    ],
    deployments: [
      {
        id: 1,
        sha: "m2",
        ref: "main",
        environment: "production",
        createdAt: "2026-11-03T10:00:00Z",
        statuses: [
          { id: 11, state: "in_progress", createdAt: "2026-11-03T10:00:00Z" },
          { id: 12, state: "success", createdAt: "2026-11-03T10:05:00Z" },
        ],
      },
      // Went live, then GitHub marked it inactive when D3 replaced it: still a success.
      {
        id: 2,
        sha: "m5",
        ref: "main",
        environment: "production",
        createdAt: "2026-11-06T10:00:00Z",
        statuses: [
          { id: 21, state: "success", createdAt: "2026-11-06T10:05:00Z" },
          { id: 22, state: "inactive", createdAt: "2026-11-07T10:05:00Z" },
        ],
      },
      {
        id: 3,
        sha: "x1",
        ref: "main",
        environment: "production",
        createdAt: "2026-11-07T10:00:00Z",
        statuses: [{ id: 31, state: "success", createdAt: "2026-11-07T10:05:00Z" }],
      },
      {
        id: 4,
        sha: "x1",
        ref: "main",
        environment: "production",
        createdAt: "2026-11-08T10:00:00Z",
        statuses: [{ id: 41, state: "failure", createdAt: "2026-11-08T10:05:00Z" }],
      },
      {
        id: 5,
        sha: "x1",
        ref: "main",
        environment: "production",
        createdAt: "2026-11-09T10:00:00Z",
        statuses: [{ id: 51, state: "success", createdAt: "2026-11-09T10:05:00Z" }],
      },
      {
        id: 6,
        sha: "x1",
        ref: "main",
        environment: "staging",
        createdAt: "2026-11-09T11:00:00Z",
        statuses: [{ id: 61, state: "success", createdAt: "2026-11-09T11:05:00Z" }],
      },
    ],
    runs: [
      {
        id: 700,
        workflowId: 7,
        name: "Deploy",
        path: ".github/workflows/deploy.yml",
        headBranch: "main",
        headSha: "m2",
        event: "push",
        status: "completed",
        conclusion: "success",
        createdAt: "2026-11-03T09:30:00Z",
        updatedAt: "2026-11-03T09:40:00Z",
      },
      {
        id: 701,
        workflowId: 8,
        name: "CI",
        path: ".github/workflows/ci.yml",
        headBranch: "search",
        headSha: "m3",
        event: "pull_request",
        status: "completed",
        conclusion: "failure",
        createdAt: "2026-11-04T08:00:00Z",
        updatedAt: "2026-11-04T08:10:00Z",
      },
    ],
    issues: [
      {
        number: 50,
        title: "Search down",
        labels: ["incident"],
        state: "open",
        createdAt: "2026-11-07T12:00:00Z",
        updatedAt: "2026-11-07T12:00:00Z",
      },
      {
        number: 51,
        title: "Fix the outage",
        labels: ["incident"],
        state: "open",
        createdAt: "2026-11-07T13:00:00Z",
        updatedAt: "2026-11-07T13:00:00Z",
        isPullRequest: true,
      },
      { number: 52, title: "Typo", labels: ["bug"], state: "open", createdAt: "2026-11-07T14:00:00Z", updatedAt: "2026-11-07T14:00:00Z" },
    ],
  });
}

/** The requests about contoso-web/shop, a GraphQL query named by its operation. */
function shopCalls(served: ServedRequest[]): Array<{ call: string; status: number }> {
  return served.flatMap((request) => {
    if (request.path === "/graphql")
      return request.query["name"] === "shop" ? [{ call: `graphql ${request.query["operation"]}`, status: request.status }] : [];
    return request.path.startsWith("/repos/contoso-web/shop")
      ? [{ call: request.path.replace("/repos/contoso-web/shop", ""), status: request.status }]
      : [];
  });
}

function organization(): FakeRepositoryData {
  return {
    repositories: [
      shopHistory(),
      repository("contoso-web", "gone", 12, {
        head: "g1",
        commits: commitLine("g", 1, "2026-11-02T09:00:00Z", 60, people.alice),
        gone: true,
      }),
      repository("contoso-web", "empty", 13),
      repository("contoso-web", "attic", 14, {
        archived: true,
        head: "a1",
        commits: commitLine("a", 1, "2026-11-02T09:00:00Z", 60, people.alice),
      }),
    ],
  };
}

describe("collecting repository activity against GitHub over HTTP", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  const data = organization();
  const fake = repositoryRoutes(data);
  const run = () => runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(new ReportTable(), { routes: fake.routes });
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  it("stores every resource, the commits each deployment shipped, and records a vanished and an empty repository without failing", async () => {
    const summary = await run();

    expect(summary.status).toBe("succeeded");
    const repositories = await database.pool.query("select name, status from repositories order by repository_id");
    expect(repositories.rows).toEqual([
      { name: "shop", status: "active" },
      { name: "gone", status: "not_found" },
      { name: "empty", status: "empty" },
      { name: "attic", status: "archived" },
    ]);
    expect(fake.served.some((served) => served.path.startsWith("/repos/contoso-web/attic"))).toBe(false);

    const pulls = await database.pool.query(
      "select number, state, author_login, merged_at is not null as merged, merge_commit_sha, additions, first_commit_at from pull_requests order by number",
    );
    expect(pulls.rows).toEqual([
      {
        number: 1,
        state: "closed",
        author_login: "alice",
        merged: true,
        merge_commit_sha: "m3",
        additions: 120,
        first_commit_at: new Date("2026-11-03T09:00:00Z"),
      },
      { number: 2, state: "open", author_login: "bob", merged: false, merge_commit_sha: null, additions: null, first_commit_at: null },
      { number: 3, state: "closed", author_login: "carol", merged: false, merge_commit_sha: null, additions: null, first_commit_at: null },
    ]);
    expect((await database.pool.query("select pull_number, reviewer_login, state from pull_request_reviews")).rows).toEqual([
      { pull_number: 1, reviewer_login: "bob", state: "APPROVED" },
    ]);
    // The branch as it is now: m5 was force-pushed away.
    expect(
      (await database.pool.query<{ sha: string }>("select sha from commits order by committed_at")).rows.map((row) => row.sha),
    ).toEqual(["m1", "m2", "m3", "m4", "x1"]);

    const deployments = await database.pool.query(
      `select d.deployment_id, d.environment, d.final_state, d.commits_status, array_remove(array_agg(c.sha order by c.committed_at), null) as shipped
       from deployments d left join deployment_commits c using (enterprise, repository_id, deployment_id)
       group by d.deployment_id, d.environment, d.final_state, d.commits_status order by d.deployment_id`,
    );
    expect(deployments.rows).toEqual([
      // The first deployment seen ships its own commit only.
      { deployment_id: 1, environment: "production", final_state: "success", commits_status: "first", shipped: ["m2"] },
      { deployment_id: 2, environment: "production", final_state: "success", commits_status: "compared", shipped: ["m3", "m4", "m5"] },
      // m5...x1 diverged: x1 is what is new since the merge base m4.
      { deployment_id: 3, environment: "production", final_state: "success", commits_status: "compared", shipped: ["x1"] },
      { deployment_id: 4, environment: "production", final_state: "failure", commits_status: null, shipped: [] },
      // The same sha again ships nothing.
      { deployment_id: 5, environment: "production", final_state: "success", commits_status: "compared", shipped: [] },
      // Not a DORA environment: its statuses are not read.
      { deployment_id: 6, environment: "staging", final_state: null, commits_status: null, shipped: [] },
    ]);
    expect(fake.served.some((served) => served.path === "/repos/contoso-web/shop/deployments/6/statuses")).toBe(false);
    expect((await database.pool.query("select issue_number, labels, state from incidents")).rows).toEqual([
      { issue_number: 50, labels: ["incident"], state: "open" },
    ]);
    expect((await database.pool.query("select run_id from workflow_runs order by run_id")).rows).toEqual([
      { run_id: 700 },
      { run_id: 701 },
    ]);

    const states = await database.pool.query(
      "select r.name, s.resource, s.status, s.watermark, s.etag is not null as has_etag from repository_sync_state s join repositories r using (enterprise, repository_id) order by r.name, s.resource",
    );
    expect(states.rows).toEqual([
      { name: "empty", resource: "commits", status: "empty", watermark: null, has_etag: false },
      { name: "empty", resource: "pull_requests", status: "ok", watermark: null, has_etag: false },
      { name: "gone", resource: "pull_requests", status: "not_found", watermark: null, has_etag: false },
      { name: "shop", resource: "commits", status: "ok", watermark: new Date("2026-11-06T09:00:00Z"), has_etag: true },
      { name: "shop", resource: "deployments", status: "ok", watermark: new Date("2026-11-09T11:00:00Z"), has_etag: true },
      { name: "shop", resource: "incidents:incident", status: "ok", watermark: new Date("2026-11-07T13:00:00Z"), has_etag: true },
      // Pull requests come through GraphQL, which has no conditional requests.
      { name: "shop", resource: "pull_requests", status: "ok", watermark: new Date("2026-11-05T09:00:00Z"), has_etag: false },
      { name: "shop", resource: "workflow_runs", status: "ok", watermark: new Date("2026-11-04T08:00:00Z"), has_etag: true },
    ]);
    const audit = await database.pool.query<{ units_failed: number; peak: number }>(
      "select units_failed, ratelimit_peak_percent::float8 as peak from collection_runs",
    );
    expect(audit.rows[0]!.units_failed).toBe(0);
    expect(audit.rows[0]!.peak).toBeGreaterThan(0);
    const dora = await database.pool.query(
      "select week::text, deployments, failed_deployments from dora_weekly where repository = 'shop' order by week",
    );
    // W1: D1, D2, D3 went live; D4 failed, and incident #50 opened in D3's window.
    expect(dora.rows).toEqual([
      { week: "2026-11-02", deployments: 3, failed_deployments: 2 },
      { week: "2026-11-09", deployments: 1, failed_deployments: 0 },
    ]);
  });

  it("runs with nothing changed ask one GraphQL page of pull requests and read each listing once from its watermark, then GitHub answers 304 to every one", async () => {
    const shopAnswers = async () => {
      const before = fake.served.length;
      const summary = await run();
      expect(summary.status).toBe("succeeded");
      return shopCalls(fake.served.slice(before)).map((call) => [call.call, call.status]);
    };

    // The listings filtered by a watermark (commits since, runs created, issues since) start from it
    // now instead of from the backfill horizon: a new query, so no ETag yet. No status or comparison
    // is asked again.
    expect(await shopAnswers()).toEqual([
      ["graphql PullRequests", 200],
      ["/commits", 200],
      ["/deployments", 304],
      ["/actions/runs", 200],
      ["/issues", 200],
    ]);
    expect(await shopAnswers()).toEqual([
      ["graphql PullRequests", 200],
      ["/commits", 304],
      ["/deployments", 304],
      ["/actions/runs", 304],
      ["/issues", 304],
    ]);
  });

  it("a run after changes fetches only what changed: one page of pull requests with their reviews, one comparison, one deployment's statuses", async () => {
    const shop = data.repositories[0]!;
    const cache = shop.pulls[1]!;
    cache.updatedAt = "2026-11-10T10:00:00Z";
    cache.reviews = [{ id: 502, user: people.carol, state: "CHANGES_REQUESTED", submittedAt: "2026-11-10T10:00:00Z" }];
    shop.commits.push({
      sha: "x2",
      parents: ["x1"],
      author: people.alice,
      authoredAt: "2026-11-10T11:00:00Z",
      committedAt: "2026-11-10T11:00:00Z",
    });
    shop.head = "x2";
    shop.deployments.push({
      id: 7,
      sha: "x2",
      ref: "main",
      environment: "production",
      createdAt: "2026-11-10T12:00:00Z",
      statuses: [{ id: 71, state: "success", createdAt: "2026-11-10T12:05:00Z" }],
    });
    shop.issues[0] = { ...shop.issues[0]!, state: "closed", closedAt: "2026-11-10T13:00:00Z", updatedAt: "2026-11-10T13:00:00Z" };
    const before = fake.served.length;

    const summary = await run();

    expect(summary.status).toBe("succeeded");
    const paths = shopCalls(fake.served.slice(before)).map((call) => call.call);
    expect(paths).toEqual([
      "graphql PullRequests",
      "/commits",
      "/deployments",
      "/deployments/7/statuses",
      "/compare/x1...x2",
      "/actions/runs",
      "/issues",
    ]);
    // The commits are read again from a week before the watermark (merged branches bring older commit dates).
    const commitsQuery = fake.served.slice(before).find((served) => served.path.endsWith("/shop/commits"))!.query;
    expect(commitsQuery["since"]).toBe("2026-10-30T09:00:00Z");
    expect((await database.pool.query("select pull_number, reviewer_login from pull_request_reviews order by review_id")).rows).toEqual([
      { pull_number: 1, reviewer_login: "bob" },
      { pull_number: 2, reviewer_login: "carol" },
    ]);
    expect((await database.pool.query("select sha from deployment_commits where deployment_id = 7")).rows).toEqual([{ sha: "x2" }]);
    expect((await database.pool.query("select state, closed_at from incidents")).rows).toEqual([
      { state: "closed", closed_at: new Date("2026-11-10T13:00:00Z") },
    ]);
    expect((await database.pool.query<{ count: number }>("select count(*)::int as count from commits")).rows[0]!.count).toBe(6);
  });
});

describe("a run the GraphQL rate budget interrupts", () => {
  let database: TestDatabase;
  // 1,000 closed pull requests, each with one review: ten GraphQL pages of 100, each costing 2 points
  // (1 request for the pull requests + 100 for their commits + 100 for their reviews = 201, / 100).
  const data: FakeRepositoryData = {
    repositories: [
      repository("contoso-web", "busy", 21, {
        head: "b1",
        commits: commitLine("b", 1, "2026-11-02T09:00:00Z", 60, people.alice),
        pulls: Array.from({ length: 1000 }, (_, index) => ({
          ...closedPull(index + 1, new Date(Date.parse("2026-11-02T00:00:00Z") + index * 60_000).toISOString().replace(".000Z", "Z")),
          reviews: [{ id: 10_000 + index, user: people.bob, state: "COMMENTED", submittedAt: "2026-11-03T00:00:00Z" }],
        })),
      }),
    ],
  };
  const fake = repositoryRoutes(data);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("stops before the GraphQL points fall under 20%, keeps what it read, and the next run finishes without gaps or duplicates", async () => {
    // 20 points this hour: the floor is 4 left. Pages 1-8 take it from 20 to 4; page 9 would leave 2.
    data.graphqlPointLimit = 20;
    const github = await startFakeGitHub(new ReportTable(), { routes: fake.routes });
    try {
      const first = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
      expect(first.status).toBe("succeeded");
      expect(
        first.warnings.filter((warning) => warning.includes("repositories left for the next run") && warning.includes("GraphQL")),
      ).toHaveLength(1);
      expect(fake.served.filter((served) => served.path === "/graphql")).toHaveLength(8);
      // Saved page by page: the 800 most recently updated.
      const kept = await database.pool.query("select count(*)::int as pulls, min(number)::int as lowest from pull_requests");
      expect(kept.rows[0]).toEqual({ pulls: 800, lowest: 201 });
      // Not swept to the end: no watermark yet, so the next run reads the same range again.
      expect(
        (
          await database.pool.query<{ count: number }>(
            "select count(*)::int as count from repository_sync_state where resource = 'pull_requests'",
          )
        ).rows[0]!.count,
      ).toBe(0);

      data.graphqlPointLimit = 5000;
      const before = fake.served.length;
      const second = await runCollection({ pool: database.pool, githubUrl: github.url, enterprises, from: day, to: day, now });
      expect(second.status).toBe("succeeded");
      expect(second.warnings.filter((warning) => warning.includes("repositories left for the next run"))).toEqual([]);
      expect(fake.served.slice(before).filter((served) => served.path === "/graphql")).toHaveLength(10);
    } finally {
      await github.close();
    }
    const counts = await database.pool.query(
      "select (select count(*) from pull_requests)::int as pulls, (select count(distinct number) from pull_requests)::int as distinct_pulls, (select count(*) from pull_request_reviews)::int as reviews",
    );
    expect(counts.rows[0]).toEqual({ pulls: 1000, distinct_pulls: 1000, reviews: 1000 });
  });
});
