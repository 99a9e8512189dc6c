import { z } from "zod";
import type { GitHubClient } from "./client.js";
import type { RateBudget } from "./rate-budget.js";
import type { PullRequestItem, ReviewRecord } from "./repository-records.js";
import { RepositoryResponseError, RepositoryUnavailableError, type RepositoryRef } from "./repository-activity.js";

// Pull requests through GraphQL. API version 2026-03-10 took `merge_commit_sha` out of every REST
// pull-request payload; GraphQL's `PullRequest.mergeCommit { oid }` is the exact merge commit. One
// query brings 100 pull requests with their reviews, size and first commit: what REST needed a
// listing page plus three calls per pull request for. Every query here is validated against
// GitHub's published schema in tests/github/repository-graphql.test.ts.

const actorFields =
  "login ... on User { databaseId } ... on Bot { databaseId } ... on Mannequin { databaseId } ... on Organization { databaseId }";

const reviewFields = `fullDatabaseId state submittedAt author { ${actorFields} }`;

/** A repository's pull requests, most recently updated first, 100 a page, with GraphQL's own rate-limit account. */
export const pullRequestsQuery = `query PullRequests($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $cursor, orderBy: { field: UPDATED_AT, direction: DESC }) {
      nodes {
        fullDatabaseId number title state isDraft createdAt updatedAt closedAt mergedAt
        headRefName baseRefName additions deletions
        author { ${actorFields} }
        mergeCommit { oid }
        commits(first: 1) { nodes { commit { authoredDate committedDate } } }
        reviews(first: 100) { pageInfo { hasNextPage endCursor } nodes { ${reviewFields} } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
  rateLimit { limit cost remaining resetAt }
}`;

/** The reviews of one pull request past the first 100 the page brought (rare: a long review). */
export const pullRequestReviewsQuery = `query PullRequestReviews($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviews(first: 100, after: $cursor) { nodes { ${reviewFields} } pageInfo { hasNextPage endCursor } }
    }
  }
  rateLimit { limit cost remaining resetAt }
}`;

// BigInt ids come as strings (GitHub's `BigInt` scalar); they fit a JavaScript number for a long time yet.
const bigId = z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(Number);
const actor = z.object({ login: z.string(), databaseId: z.number().int().nullable().optional() }).nullable();
const timestamp = z.iso.datetime({ offset: true });
const rateLimit = z.object({ limit: z.number().int(), cost: z.number().int(), remaining: z.number().int(), resetAt: timestamp });

const review = z
  .object({ fullDatabaseId: bigId, state: z.string(), submittedAt: timestamp.nullable(), author: actor })
  .transform((found): ReviewRecord => ({
    reviewId: found.fullDatabaseId,
    reviewerId: found.author?.databaseId ?? null,
    reviewerLogin: found.author?.login ?? null,
    state: found.state,
    submittedAt: found.submittedAt,
  }));

const pullRequest = z.object({
  fullDatabaseId: bigId,
  number: z.number().int(),
  title: z.string(),
  state: z.enum(["OPEN", "CLOSED", "MERGED"]),
  isDraft: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
  closedAt: timestamp.nullable(),
  mergedAt: timestamp.nullable(),
  headRefName: z.string(),
  baseRefName: z.string(),
  additions: z.number().int(),
  deletions: z.number().int(),
  author: actor,
  mergeCommit: z.object({ oid: z.string() }).nullable(),
  commits: z.object({
    nodes: z.array(z.object({ commit: z.object({ authoredDate: timestamp, committedDate: timestamp }) }).nullable()).nullable(),
  }),
  reviews: z
    .object({
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
      nodes: z.array(review.nullable()).nullable(),
    })
    .nullable(),
});

const pullRequestsPage = z.object({
  repository: z
    .object({
      pullRequests: z.object({
        nodes: z.array(pullRequest.nullable()).nullable(),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
      }),
    })
    .nullable(),
  rateLimit: rateLimit.nullable(),
});

const reviewsPage = z.object({
  repository: z
    .object({
      pullRequest: z
        .object({
          reviews: z
            .object({
              nodes: z.array(review.nullable()).nullable(),
              pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
            })
            .nullable(),
        })
        .nullable(),
    })
    .nullable(),
  rateLimit: rateLimit.nullable(),
});

/** A pull request as stored: the REST listing's fields, the exact merge commit, size and first commit. */
export type GraphqlPullRequest = PullRequestItem & {
  additions: number | null;
  deletions: number | null;
  firstCommitAt: string | null;
  reviews: ReviewRecord[];
};

function label(repo: RepositoryRef): string {
  return `${repo.organization}/${repo.name}`;
}

function parse<T extends z.ZodType>(schema: T, data: unknown, endpoint: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new RepositoryResponseError(endpoint, z.prettifyError(parsed.error));
  return parsed.data;
}

/** GitHub answers an unknown (or invisible) repository with data.repository null and a NOT_FOUND error. */
const graphqlErrors = z.object({ name: z.literal("GraphqlResponseError"), errors: z.array(z.object({ type: z.string().optional() })) });

function unavailable(error: unknown, repo: RepositoryRef): unknown {
  const answered = graphqlErrors.safeParse(error);
  if (answered.success && answered.data.errors.some((found) => found.type === "NOT_FOUND")) {
    return new RepositoryUnavailableError(label(repo), "not_found");
  }
  return error;
}

function toRecord(found: z.output<typeof pullRequest>): Omit<GraphqlPullRequest, "reviews"> {
  const merged = found.mergedAt !== null;
  const first = found.commits.nodes?.[0]?.commit;
  return {
    number: found.number,
    pullRequestId: found.fullDatabaseId,
    authorId: found.author?.databaseId ?? null,
    authorLogin: found.author?.login ?? null,
    title: found.title,
    headRef: found.headRefName,
    baseRef: found.baseRefName,
    draft: found.isDraft,
    // REST's two states: GraphQL's MERGED is a closed pull request.
    state: found.state === "OPEN" ? "open" : "closed",
    createdAt: found.createdAt,
    updatedAt: found.updatedAt,
    closedAt: found.closedAt,
    mergedAt: found.mergedAt,
    mergeCommitSha: merged ? (found.mergeCommit?.oid ?? null) : null,
    // Size and first commit matter for merged pull requests only (velocity); others keep them empty.
    additions: merged ? found.additions : null,
    deletions: merged ? found.deletions : null,
    firstCommitAt: merged ? (first?.authoredDate ?? first?.committedDate ?? null) : null,
  };
}

/**
 * Pages of a repository's pull requests, most recently updated first, each with all its reviews.
 * The caller stops at its watermark (break). Each query passes the GraphQL rate budget first.
 */
export async function* graphqlPullRequests(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef,
): AsyncGenerator<GraphqlPullRequest[]> {
  const endpoint = `the pull requests of ${label(repo)} (GraphQL)`;
  for await (const page of budgetedPages(
    client,
    budget,
    repo,
    pullRequestsQuery,
    { owner: repo.organization, name: repo.name },
    pullRequestsPage,
    endpoint,
  )) {
    if (page.repository === null) throw new RepositoryUnavailableError(label(repo), "not_found");
    const found: GraphqlPullRequest[] = [];
    for (const node of page.repository.pullRequests.nodes ?? []) {
      if (node === null) continue;
      const reviews = (node.reviews?.nodes ?? []).filter((item) => item !== null);
      const more = node.reviews?.pageInfo;
      if (more?.hasNextPage === true && more.endCursor !== null)
        reviews.push(...(await moreReviews(client, budget, repo, node.number, more.endCursor)));
      found.push({ ...toRecord(node), reviews });
    }
    yield found;
  }
}

/** The reviews of one pull request after `cursor`, read 100 at a time. */
async function moreReviews(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef,
  number: number,
  cursor: string,
): Promise<ReviewRecord[]> {
  const endpoint = `the reviews of ${label(repo)}#${number} (GraphQL)`;
  const reviews: ReviewRecord[] = [];
  const variables = { owner: repo.organization, name: repo.name, number, cursor };
  for await (const page of budgetedPages(client, budget, repo, pullRequestReviewsQuery, variables, reviewsPage, endpoint)) {
    reviews.push(...(page.repository?.pullRequest?.reviews?.nodes ?? []).filter((item) => item !== null));
  }
  return reviews;
}

/** The pages of a paginated query, each paid for in the GraphQL rate budget before it is asked, with the points it reports. */
async function* budgetedPages<T extends z.ZodType<{ rateLimit?: z.output<typeof rateLimit> | null | undefined }>>(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef,
  query: string,
  variables: Record<string, unknown>,
  schema: T,
  endpoint: string,
): AsyncGenerator<z.output<T>> {
  const pages = client.octokit.graphql.paginate.iterator<unknown>(query, variables)[Symbol.asyncIterator]();
  for (;;) {
    budget.acquire("graphql");
    let next: IteratorResult<unknown>;
    try {
      next = await pages.next();
    } catch (error) {
      budget.releaseGraphql(undefined);
      throw unavailable(error, repo);
    }
    if (next.done === true) {
      budget.releaseGraphql(undefined);
      return;
    }
    const page = parse(schema, next.value, endpoint);
    budget.releaseGraphql(page.rateLimit ?? undefined);
    yield page;
  }
}
