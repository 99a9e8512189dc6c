import { validate } from "@octokit/graphql-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  graphqlPullRequests,
  pullRequestReviewsQuery,
  pullRequestsQuery,
  rateBudget,
  RateBudgetExhaustedError,
  RepositoryUnavailableError,
  type GraphqlPullRequest,
} from "../../src/github/index.js";
import type { FakePullRequest } from "../../src/sandbox/repository-model.js";
import { ReportTable, fakeGitHubClient, fakeToken, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { closedPull, people, repository, repositoryRoutes, type FakeRepositoryData } from "../fakes/github-repositories.js";

const shop = { organization: "contoso-web", name: "shop" };

// 250 pull requests updated a minute apart; #7 is merged (merge commit "merge7") and has 130 reviews,
// more than the 100 a page brings along.
const pulls: FakePullRequest[] = Array.from({ length: 250 }, (_, index) =>
  closedPull(index + 1, new Date(Date.parse("2026-11-01T00:00:00Z") + index * 60_000).toISOString().replace(".000Z", "Z")),
);
pulls[6] = {
  ...pulls[6]!,
  mergedAt: pulls[6]!.updatedAt,
  mergeCommitSha: "merge7",
  additions: 40,
  deletions: 2,
  commits: ["w7"],
  reviews: Array.from({ length: 130 }, (_, index) => ({
    id: 7000 + index,
    user: people.bob,
    state: "COMMENTED",
    submittedAt: "2026-11-01T00:05:00Z",
  })),
};

const data: FakeRepositoryData = {
  repositories: [
    repository("contoso-web", "shop", 1, {
      head: "w7",
      commits: [{ sha: "w7", parents: [], author: people.alice, authoredAt: "2026-10-31T09:00:00Z", committedAt: "2026-10-31T10:00:00Z" }],
      pulls,
    }),
    repository("contoso-web", "gone", 2, { gone: true }),
  ],
};

async function all(pages: AsyncGenerator<GraphqlPullRequest[]>): Promise<GraphqlPullRequest[]> {
  const found: GraphqlPullRequest[] = [];
  for await (const page of pages) found.push(...page);
  return found;
}

describe("pull requests through GitHub's GraphQL API", () => {
  let github: GitHubServer;
  const fake = repositoryRoutes(data);

  beforeAll(async () => {
    github = await startFakeGitHub(new ReportTable(), { routes: fake.routes });
  });
  afterAll(async () => {
    await github.close();
  });

  it("sends only queries that GitHub's published schema validates", () => {
    expect(validate(pullRequestsQuery).map((error) => error.message)).toEqual([]);
    expect(validate(pullRequestReviewsQuery).map((error) => error.message)).toEqual([]);
  });

  it("answers a field GitHub's schema does not have with an error, as GitHub does, in the sandbox as in validate", async () => {
    // REST's merge_commit_sha has no GraphQL counterpart of that name; nor has the singular assignee.
    const query =
      'query { repository(owner: "contoso-web", name: "shop") { pullRequests(first: 1) { nodes { number mergeCommitSha assignee { login } } } } }';
    expect(validate(query).map((error) => error.message)).toEqual([
      'Cannot query field "mergeCommitSha" on type "PullRequest". Did you mean "mergeCommit"?',
      'Cannot query field "assignee" on type "PullRequest". Did you mean "assignees"?',
    ]);
    const response = await fetch(`${github.url}/graphql`, {
      method: "POST",
      headers: { authorization: `token ${fakeToken}` },
      body: JSON.stringify({ query }),
    });
    const body: unknown = await response.json();
    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      errors: [
        { message: 'Cannot query field "mergeCommitSha" on type "PullRequest". Did you mean "mergeCommit"?' },
        { message: 'Cannot query field "assignee" on type "PullRequest". Did you mean "assignees"?' },
      ],
    });
    expect(body).not.toHaveProperty("data");
  });

  it("reads 250 pull requests in three queries of 100, most recently updated first, with the exact merge commit and every review past the first 100", async () => {
    const client = fakeGitHubClient(github.url);
    const before = fake.served.length;
    const requestsBefore = github.requests.length;

    const found = await all(graphqlPullRequests(client, rateBudget(client, 20), shop));

    expect(found.map((pr) => pr.number)).toEqual(Array.from({ length: 250 }, (_, index) => 250 - index));
    const merged = found.find((pr) => pr.number === 7)!;
    expect({ ...merged, reviews: merged.reviews.length }).toEqual({
      number: 7,
      pullRequestId: 100_007,
      authorId: 1,
      authorLogin: "alice",
      title: "Change 7",
      headRef: "change-7",
      baseRef: "main",
      draft: false,
      state: "closed",
      createdAt: "2026-11-01T00:06:00Z",
      updatedAt: "2026-11-01T00:06:00Z",
      closedAt: "2026-11-01T00:06:00Z",
      mergedAt: "2026-11-01T00:06:00Z",
      mergeCommitSha: "merge7",
      additions: 40,
      deletions: 2,
      firstCommitAt: "2026-10-31T09:00:00Z",
      reviews: 130,
    });
    expect(merged.reviews.map((review) => review.reviewId)).toEqual(Array.from({ length: 130 }, (_, index) => 7000 + index));
    expect(merged.reviews[0]).toEqual({
      reviewId: 7000,
      reviewerId: 2,
      reviewerLogin: "bob",
      state: "COMMENTED",
      submittedAt: "2026-11-01T00:05:00Z",
    });
    // An unmerged pull request has no merge commit, size or first commit.
    expect(found.find((pr) => pr.number === 8)).toMatchObject({
      mergedAt: null,
      mergeCommitSha: null,
      additions: null,
      deletions: null,
      firstCommitAt: null,
      reviews: [],
    });

    const calls = fake.served.slice(before).map((served) => served.query);
    expect(calls.map((call) => [call["operation"], call["cursor"] === undefined ? "first" : "next"])).toEqual([
      ["PullRequests", "first"],
      ["PullRequests", "next"],
      ["PullRequests", "next"],
      ["PullRequestReviews", "next"],
    ]);
    expect(calls[3]).toMatchObject({ owner: "contoso-web", name: "shop", number: "7" });
    const sent = github.requests.slice(requestsBefore);
    expect(new Set(sent.map((request) => [request.method, request.apiVersion].join(" ")))).toEqual(new Set(["POST 2026-03-10"]));
  });

  it("keeps GraphQL's points apart from REST's requests and stops before the points fall under the floor", async () => {
    data.graphqlPointLimit = 5;
    const limited = repositoryRoutes(data);
    const server = await startFakeGitHub(new ReportTable(), { routes: limited.routes });
    try {
      const client = fakeGitHubClient(server.url);
      const budget = rateBudget(client, 20);
      // 5 points, floor 20% = 1. A page costs 2 (1 + 100 commits + 100 reviews requests = 201, / 100):
      // the first leaves 3, the second 1, a third would leave -1.
      const error = await all(graphqlPullRequests(client, budget, shop)).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(RateBudgetExhaustedError);
      expect(error).toMatchObject({ resource: "graphql", remaining: 1, limit: 5 });
      expect(limited.served.map((served) => served.query["operation"])).toEqual(["PullRequests", "PullRequests"]);
      // REST's budget knows nothing of it.
      expect(() => budget.acquire("core")).not.toThrow();
    } finally {
      delete data.graphqlPointLimit;
      await server.close();
    }
  });

  it("takes GitHub's NOT_FOUND for a repository that vanished as the repository being unavailable", async () => {
    const client = fakeGitHubClient(github.url);
    const error = await all(graphqlPullRequests(client, rateBudget(client, 20), { organization: "contoso-web", name: "gone" })).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect(error).toMatchObject({ reason: "not_found", repository: "contoso-web/gone" });
  });
});
