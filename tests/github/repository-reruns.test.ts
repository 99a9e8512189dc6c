import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { people, repository, repositoryRoutes, type FakeRepositoryData, type ServedRequest } from "../fakes/github-repositories.js";

// What one run cannot finish and the next must: a deployment still waiting when a run reads it, and
// an empty repository, whose 409 no later run can change until someone pushes.
//   ship    D1 (b1) went live on Tue 2026-11-03. PR #1 (work commit w1, merge commit m1) merged on
//           Thu 2026-11-12; D2 of m1 was created on Fri 2026-11-13 and waits (queued) for a
//           reviewer until Mon 2026-11-16 09:30, when it goes live.
//   empty   no commits: 409 on its commits, until a push on 2026-11-15.
const enterprises = [{ slug: "contoso", orgs: ["contoso-web"] }];

function ship() {
  return repository("contoso-web", "ship", 31, {
    head: "m1",
    commits: [
      { sha: "b1", parents: [], author: people.alice, authoredAt: "2026-11-02T09:00:00Z", committedAt: "2026-11-02T09:00:00Z" },
      { sha: "w1", parents: ["b1"], author: people.alice, authoredAt: "2026-11-12T09:00:00Z", committedAt: "2026-11-12T09:00:00Z" },
      { sha: "m1", parents: ["b1", "w1"], author: people.alice, authoredAt: "2026-11-12T15:00:00Z", committedAt: "2026-11-12T15:00:00Z" },
    ],
    pulls: [
      {
        number: 1,
        user: people.alice,
        title: "Add checkout",
        head: "checkout",
        base: "main",
        state: "closed",
        createdAt: "2026-11-12T10:00:00Z",
        updatedAt: "2026-11-12T15:00:00Z",
        closedAt: "2026-11-12T15:00:00Z",
        mergedAt: "2026-11-12T15:00:00Z",
        mergeCommitSha: "m1",
        additions: 30,
        deletions: 4,
        commits: ["w1"],
        reviews: [{ id: 801, user: people.bob, state: "APPROVED", submittedAt: "2026-11-12T11:00:00Z" }],
      },
    ],
    deployments: [
      {
        id: 1,
        sha: "b1",
        ref: "main",
        environment: "production",
        createdAt: "2026-11-03T10:00:00Z",
        statuses: [{ id: 11, state: "success", createdAt: "2026-11-03T10:05:00Z" }],
      },
      {
        id: 2,
        sha: "m1",
        ref: "main",
        environment: "production",
        createdAt: "2026-11-13T10:00:00Z",
        statuses: [{ id: 21, state: "queued", createdAt: "2026-11-13T10:00:00Z" }],
      },
    ],
  });
}

/** The requests about one repository of contoso-web, a GraphQL query named by its operation. */
function callsFor(name: string, served: ServedRequest[]): Array<[string, number]> {
  return served.flatMap((request): Array<[string, number]> => {
    if (request.path === "/graphql")
      return request.query["name"] === name ? [[`graphql ${request.query["operation"]}`, request.status]] : [];
    const prefix = `/repos/contoso-web/${name}`;
    return request.path.startsWith(prefix) ? [[request.path.slice(prefix.length), request.status]] : [];
  });
}

describe("work one run leaves to the next", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  const data: FakeRepositoryData = { repositories: [ship(), repository("contoso-web", "empty", 32, { pushedAt: "2026-11-01T00:00:00Z" })] };
  const fake = repositoryRoutes(data);
  const run = async (now: string) => {
    const before = fake.served.length;
    const day = new Date(Date.parse(now) - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const summary = await runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      from: day,
      to: day,
      now: new Date(now),
    });
    expect(summary.status).toBe("succeeded");
    return fake.served.slice(before);
  };
  const weeks = async () =>
    (
      await database.pool.query<Record<string, string | number | null>>(
        `select week::text, deployments, lead_time_changes, lead_time_median_hours::float8 as lead_time, prs_deployed,
                pr_lead_time_median_hours::float8 as pr_lead_time, coding_time_median_hours::float8 as coding, pickup_time_median_hours::float8 as pickup,
                review_time_median_hours::float8 as review, deploy_time_median_hours::float8 as deploy
         from dora_weekly where repository = 'ship' order by week`,
      )
    ).rows;

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(new ReportTable(), { routes: fake.routes });
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  it("asks an empty repository once (no retry of its 409) and leaves the waiting deployment uncounted", async () => {
    const served = await run("2026-11-14T06:00:00Z");

    expect(callsFor("empty", served)).toEqual([
      ["graphql PullRequests", 200],
      ["/commits", 409],
    ]);
    expect((await database.pool.query("select name, status from repositories order by repository_id")).rows).toEqual([
      { name: "ship", status: "active" },
      { name: "empty", status: "empty" },
    ]);
    expect(
      (await database.pool.query("select deployment_id, final_state, commits_status from deployments order by deployment_id")).rows,
    ).toEqual([
      { deployment_id: 1, final_state: "success", commits_status: "first" },
      { deployment_id: 2, final_state: "queued", commits_status: null },
    ]);
    const counted = await weeks();
    expect(counted.map((week) => [week.week, week.deployments])).toEqual([
      ["2026-11-02", 1],
      ["2026-11-09", 0],
    ]);
  });

  it("counts the deployment that went live since in its own week with its lead time, and does not ask the empty repository again", async () => {
    data.repositories[0]!.deployments[1]!.statuses.push(
      { id: 22, state: "in_progress", createdAt: "2026-11-16T09:00:00Z" },
      { id: 23, state: "success", createdAt: "2026-11-16T09:30:00Z" },
    );

    const served = await run("2026-11-17T06:00:00Z");

    expect(callsFor("empty", served)).toEqual([]);
    // D1 is final: only D2's statuses are read again; it now went live, so what it shipped is compared.
    expect(callsFor("ship", served).filter(([call]) => call.startsWith("/deployments/") || call.startsWith("/compare/"))).toEqual([
      ["/deployments/2/statuses", 200],
      ["/compare/b1...m1", 200],
    ]);
    // D1 went live Tue 11-03 10:05 and shipped b1 (authored Mon 11-02 09:00): 25 h 5 min = 25.08 h (stored to 2 decimals).
    // D2 went live Mon 2026-11-16 09:30 and shipped w1 (authored Thu 11-12 09:00) and m1 (11-12 15:00):
    //   lead times 4 d 0.5 h = 96.5 h and 3 d 18.5 h = 90.5 h, median (96.5 + 90.5) / 2 = 93.5 h.
    // PR #1 (first commit w1 09:00, opened 10:00, reviewed 11:00, merged 15:00, deployed 11-16 09:30):
    //   total 96.5 h; coding 10:00 - 09:00 = 1 h; pickup 11:00 - 10:00 = 1 h; review 15:00 - 11:00 = 4 h;
    //   deploy 11-12 15:00 -> 11-16 09:30 = 3 d 18.5 h = 90.5 h.
    expect(await weeks()).toEqual([
      {
        week: "2026-11-02",
        deployments: 1,
        lead_time_changes: 1,
        lead_time: 25.08,
        prs_deployed: 0,
        pr_lead_time: null,
        coding: null,
        pickup: null,
        review: null,
        deploy: null,
      },
      {
        week: "2026-11-09",
        deployments: 0,
        lead_time_changes: 0,
        lead_time: null,
        prs_deployed: 0,
        pr_lead_time: null,
        coding: null,
        pickup: null,
        review: null,
        deploy: null,
      },
      {
        week: "2026-11-16",
        deployments: 1,
        lead_time_changes: 2,
        lead_time: 93.5,
        prs_deployed: 1,
        pr_lead_time: 96.5,
        coding: 1,
        pickup: 1,
        review: 4,
        deploy: 90.5,
      },
    ]);
  });

  it("syncs the empty repository again once it was pushed to", async () => {
    const empty = data.repositories[1]!;
    empty.pushedAt = "2026-11-17T08:00:00Z";
    empty.head = "e1";
    empty.commits.push({
      sha: "e1",
      parents: [],
      author: people.carol,
      authoredAt: "2026-11-17T08:00:00Z",
      committedAt: "2026-11-17T08:00:00Z",
    });

    const served = await run("2026-11-18T06:00:00Z");

    expect(callsFor("empty", served).map(([call]) => call)).toEqual([
      "graphql PullRequests",
      "/commits",
      "/deployments",
      "/actions/runs",
      "/issues",
    ]);
    expect((await database.pool.query("select status from repositories where name = 'empty'")).rows).toEqual([{ status: "active" }]);
    expect((await database.pool.query("select sha from commits where repository_id = 32")).rows).toEqual([{ sha: "e1" }]);
  });
});
