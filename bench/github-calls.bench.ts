// GitHub calls benchmark (issue: GitHub as it is today): how many API calls the repository sync
// makes per 1,000 merged pull requests, reviews included, against the sandbox's GitHub over HTTP.
// One repository gets 10 merged pull requests a day (each with 1 or 2 reviews, a work commit and a
// merge commit) and a production deployment a day. The first sync reads 100 days (1,000 pull
// requests) at once; then 100 daily syncs each read one more day (1,000 more pull requests).
// Counted: pull-request calls (GraphQL queries; under REST they were a listing page plus the pull
// request, its commits and its reviews, about 3 per pull request), and every call of the sync
// (commits, deployments and their statuses and comparisons, workflow runs, incidents too).
// Target: at most 30 pull-request calls per 1,000 pull requests for the first sync.
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate, startEmbeddedPostgres, survivingConnectionErrors } from "../src/db/index.js";
import { createGitHubClient, rateBudget } from "../src/github/index.js";
import { saveRepositories } from "../src/ingest/index.js";
import { syncRepository, type RepositorySyncContext } from "../src/pipeline/repository-sync.js";
import { startGitHubServer } from "../src/sandbox/github-server.js";
import type { FakeCommit, FakeDeployment, FakePullRequest, FakeRepository } from "../src/sandbox/repository-model.js";
import { repositoryRoutes } from "../src/sandbox/repository-routes.js";
import type { BenchOptions } from "./run.js";

const perDay = 10;
const firstDays = 100;
const laterDays = 100;
const start = Date.parse("2026-06-01T00:00:00Z");
const day = 24 * 60 * 60 * 1000;

function sha(seed: string): string {
  return createHash("sha1").update(seed).digest("hex");
}

function at(dayIndex: number, minutes: number): string {
  return new Date(start + dayIndex * day + minutes * 60_000).toISOString().replace(".000Z", "Z");
}

/** The repository as it stands after `days` days of activity. */
function history(days: number): FakeRepository {
  const alice = { id: 1, login: "alice" };
  const bob = { id: 2, login: "bob" };
  const carol = { id: 3, login: "carol" };
  let head = sha("root");
  const commits: FakeCommit[] = [{ sha: head, parents: [], author: alice, authoredAt: at(-1, 0), committedAt: at(-1, 0) }];
  const pulls: FakePullRequest[] = [];
  const deployments: FakeDeployment[] = [];
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < perDay; i++) {
      const number = d * perDay + i + 1;
      const work = sha(`work${number}`);
      const merge = sha(`merge${number}`);
      commits.push({ sha: work, parents: [head], author: alice, authoredAt: at(d, 420 + i * 10), committedAt: at(d, 420 + i * 10) });
      commits.push({ sha: merge, parents: [head, work], author: alice, authoredAt: at(d, 840 + i * 10), committedAt: at(d, 840 + i * 10) });
      head = merge;
      const reviews = [{ id: number * 10, user: bob, state: "APPROVED", submittedAt: at(d, 600 + i * 10) }];
      if (number % 2 === 0) reviews.unshift({ id: number * 10 + 1, user: carol, state: "COMMENTED", submittedAt: at(d, 540 + i * 10) });
      pulls.push({
        number,
        user: alice,
        title: `Change ${number}`,
        head: `change-${number}`,
        base: "main",
        state: "closed",
        createdAt: at(d, 480 + i * 10),
        updatedAt: at(d, 840 + i * 10),
        closedAt: at(d, 840 + i * 10),
        mergedAt: at(d, 840 + i * 10),
        mergeCommitSha: merge,
        additions: 20,
        deletions: 5,
        commits: [work],
        reviews,
      });
    }
    deployments.push({
      id: d + 1,
      sha: head,
      ref: "main",
      environment: "production",
      createdAt: at(d, 1200),
      statuses: [{ id: (d + 1) * 10, state: "success", createdAt: at(d, 1205) }],
    });
  }
  return {
    id: 1,
    owner: "bench-org",
    name: "busy",
    defaultBranch: "main",
    createdAt: at(-1, 0),
    head,
    commits,
    pulls,
    deployments,
    runs: [],
    issues: [],
  };
}

export default async function githubCallsBenchmark(_options: BenchOptions): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), "bench-github-calls-"));
  const database = await startEmbeddedPostgres(path.join(work, "cluster"), { throwaway: true });
  const pool = survivingConnectionErrors(new pg.Pool({ connectionString: database.connectionString, max: 2 }));
  const data = { repositories: [history(firstDays)] };
  const routes = repositoryRoutes(data);
  const github = await startGitHubServer({ reports: () => ({ kind: "status", status: 404 }), routes: routes.routes, rateLimit: 1_000_000 });
  try {
    await migrate(pool);
    const client = createGitHubClient({
      baseUrl: github.url,
      apiVersion: "2026-03-10",
      throttleId: "bench-github-calls",
      retryTimeScaleMs: 5,
      token: { get: async () => "bench-token", refresh: async () => "bench-token" },
    });
    const sync = async (days: number) => {
      const now = new Date(start + days * day);
      await saveRepositories(
        pool,
        "bench",
        "bench-org",
        [
          {
            repositoryId: 1,
            organization: "bench-org",
            name: "busy",
            defaultBranch: "main",
            archived: false,
            fork: false,
            visibility: "private",
            createdAt: at(-1, 0),
            pushedAt: now.toISOString(),
          },
        ],
        { includeArchived: false, listedAt: now },
      );
      const context: RepositorySyncContext = {
        pool,
        client,
        budget: rateBudget(client, 20),
        enterprise: "bench",
        organization: "bench-org",
        runId: undefined,
        now,
        horizon: new Date(now.getTime() - 180 * day),
        environments: ["production"],
        incidentLabels: ["incident"],
        checkTime: () => undefined,
      };
      const before = github.requests.length;
      const outcome = await syncRepository(context, { repositoryId: 1, name: "busy", defaultBranch: "main" });
      if (outcome.status !== "ok") throw new Error(`The benchmark's sync did not succeed: ${JSON.stringify(outcome)}`);
      const calls = github.requests.slice(before);
      return { pullRequestCalls: calls.filter((request) => request.path === "/graphql").length, allCalls: calls.length };
    };

    const first = await sync(firstDays);
    const firstPrs = (await pool.query<{ count: number }>("select count(*)::int as count from pull_requests where merged_at is not null"))
      .rows[0]!.count;
    let incremental = { pullRequestCalls: 0, allCalls: 0 };
    for (let extra = 1; extra <= laterDays; extra++) {
      data.repositories[0] = history(firstDays + extra);
      const daily = await sync(firstDays + extra);
      incremental = {
        pullRequestCalls: incremental.pullRequestCalls + daily.pullRequestCalls,
        allCalls: incremental.allCalls + daily.allCalls,
      };
    }
    const totals = await pool.query<{ prs: number; reviews: number; linked: number }>(
      `select (select count(*) from pull_requests where merged_at is not null and merge_commit_sha is not null)::int as prs,
              (select count(*) from pull_request_reviews)::int as reviews,
              (select count(distinct c.sha) from deployment_commits c join pull_requests p on p.merge_commit_sha = c.sha)::int as linked`,
    );
    const { prs, reviews, linked } = totals.rows[0]!;
    const laterPrs = prs - firstPrs;
    const per1000 = (calls: number, count: number) => Math.round((calls / count) * 1000 * 10) / 10;
    console.log(
      `first sync: ${firstPrs} merged pull requests; ${first.pullRequestCalls} pull-request calls, ${first.allCalls} calls in all ` +
        `(${per1000(first.pullRequestCalls, firstPrs)} and ${per1000(first.allCalls, firstPrs)} per 1,000; target <= 30 pull-request calls)`,
    );
    console.log(
      `${laterDays} daily syncs: ${laterPrs} more; ${incremental.pullRequestCalls} pull-request calls, ${incremental.allCalls} calls in all ` +
        `(${per1000(incremental.pullRequestCalls, laterPrs)} and ${per1000(incremental.allCalls, laterPrs)} per 1,000: one query a day is the floor)`,
    );
    console.log(
      `stored: ${prs} merged pull requests with their merge commit, ${reviews} reviews, ${linked} merge commits linked to a deployment`,
    );
    console.log(
      JSON.stringify({
        bench: "github_calls",
        prs: firstPrs,
        calls_per_1000_prs_first: per1000(first.pullRequestCalls, firstPrs),
        calls_per_1000_prs_incremental: per1000(incremental.pullRequestCalls, laterPrs),
        all_calls_per_1000_prs_first: per1000(first.allCalls, firstPrs),
        all_calls_per_1000_prs_incremental: per1000(incremental.allCalls, laterPrs),
      }),
    );
  } finally {
    await github.close();
    await pool.end();
    await database.stop();
    await rm(work, { recursive: true, force: true });
  }
}
