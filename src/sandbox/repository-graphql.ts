import {
  buildClientSchema,
  graphql,
  GraphQLError,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
  type SelectionSetNode,
} from "graphql";
import type { FakePullRequest, FakeRepository, FakeRepositoryData, FakeReview, FakeUser } from "./repository-model.js";

// GitHub's GraphQL endpoint over the repository model: queries run through graphql-js against
// GitHub's published schema (@octokit/graphql-schema), so a field GitHub does not have fails here
// as it does there. Resolvers exist only for what the collector asks: a repository's pull requests
// with their commits and reviews, and `rateLimit`.

let published: Promise<GraphQLSchema> | undefined;

/**
 * GitHub's schema, built once from the package's introspection JSON. Not from its `schema.graphql`:
 * that SDL defines `EnterpriseOwnerInfo.repositoryDeployKeySetting` twice, which graphql-js refuses.
 */
function githubSchema(): Promise<GraphQLSchema> {
  published ??= (async () => {
    // Loaded on the first query only: the file is large. The package's own validate() builds its
    // schema from the same introspection, the same way.
    const { schema } = await import("@octokit/graphql-schema");
    const introspection: unknown = schema.json;
    if (!isIntrospection(introspection))
      throw new Error("@octokit/graphql-schema's schema.json is no introspection result (no __schema.types).");
    return buildClientSchema(introspection);
  })();
  return published;
}

function isIntrospection(value: unknown): value is IntrospectionQuery {
  if (typeof value !== "object" || value === null || !("__schema" in value)) return false;
  const inner = value.__schema;
  return typeof inner === "object" && inner !== null && "types" in inner && Array.isArray(inner.types);
}

/** A query's point cost as GitHub documents it: every connection's requests (its parents' `first` multiplied), / 100, at least 1. */
function queryCost(document: DocumentNode, variables: Record<string, unknown>): number {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  let requests = 0;
  const walk = (selections: SelectionSetNode | undefined, multiplier: number) => {
    for (const selection of selections?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, multiplier);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(selection.name.value)?.selectionSet, multiplier);
      else {
        const size = selection.arguments?.find((argument) => argument.name.value === "first" || argument.name.value === "last")?.value;
        const count =
          size === undefined
            ? undefined
            : size.kind === Kind.INT
              ? Number(size.value)
              : size.kind === Kind.VARIABLE
                ? Number(variables[size.name.value])
                : undefined;
        if (count === undefined || !Number.isFinite(count)) walk(selection.selectionSet, multiplier);
        else {
          requests += multiplier;
          walk(selection.selectionSet, multiplier * count);
        }
      }
    }
  };
  for (const definition of document.definitions) if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, 1);
  return Math.max(1, Math.round(requests / 100));
}

export interface GraphqlAnswer {
  body: { data?: unknown; errors?: unknown[] };
  cost: number;
  operation: string | undefined;
  variables: Record<string, unknown>;
}

/** Runs one GraphQL request body over `data`; `remaining` is what the point budget has left after this query. */
export async function answerGraphql(
  data: FakeRepositoryData,
  text: string,
  limits: { limit: number; remaining: (cost: number) => number; resetAt: string },
): Promise<GraphqlAnswer> {
  const schema = await githubSchema();
  const request: unknown = JSON.parse(text);
  const source =
    typeof request === "object" && request !== null && "query" in request && typeof request.query === "string" ? request.query : "";
  const variables =
    typeof request === "object" &&
    request !== null &&
    "variables" in request &&
    typeof request.variables === "object" &&
    request.variables !== null
      ? Object.fromEntries(Object.entries(request.variables))
      : {};
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    return {
      body: { errors: [{ message: error instanceof Error ? error.message : "parse error" }] },
      cost: 0,
      operation: undefined,
      variables,
    };
  }
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)?.name?.value;
  const cost = queryCost(document, variables);
  let remaining: number | undefined;
  const rootValue = {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = data.repositories.find((candidate) => candidate.owner === owner && candidate.name === name);
      if (repo === undefined || repo.gone === true) {
        throw new GraphQLError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, {
          extensions: { type: "NOT_FOUND" },
        });
      }
      return repositoryNode(repo);
    },
    rateLimit: () => {
      remaining ??= limits.remaining(cost);
      return { limit: limits.limit, cost, remaining, used: limits.limit - remaining, resetAt: limits.resetAt, nodeCount: 0 };
    },
  };
  const result = await graphql({ schema, source, rootValue, variableValues: variables });
  if (remaining === undefined && result.data !== undefined) remaining = limits.remaining(cost);
  // GitHub puts the error's kind at the top level (`type: "NOT_FOUND"`), not under `extensions`.
  const errors = result.errors?.map((error) => {
    const { extensions, ...rest } = error.toJSON();
    return typeof extensions?.["type"] === "string" ? { ...rest, type: extensions["type"] } : rest;
  });
  return {
    body: { ...(result.data === undefined ? {} : { data: result.data }), ...(errors === undefined ? {} : { errors }) },
    cost,
    operation,
    variables,
  };
}

type Page = { first?: number | null; after?: string | null };

/** A connection's slice after the `after` cursor (the offset, base64 as GitHub's cursors look). */
function connection<T, N>(items: T[], args: Page, node: (item: T) => N) {
  const start = args.after ? Number(Buffer.from(args.after, "base64").toString("utf8").replace("cursor:", "")) + 1 : 0;
  const size = Math.min(args.first ?? 100, 100);
  const slice = items.slice(start, start + size);
  const cursor = (index: number) => Buffer.from(`cursor:${index}`).toString("base64");
  return {
    totalCount: items.length,
    nodes: slice.map(node),
    pageInfo: {
      hasNextPage: start + size < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length === 0 ? null : cursor(start),
      endCursor: slice.length === 0 ? null : cursor(start + slice.length - 1),
    },
  };
}

function actor(user: FakeUser | null) {
  return user === null ? null : { __typename: user.login.endsWith("[bot]") ? "Bot" : "User", login: user.login, databaseId: user.id };
}

function pullRequestState(pr: FakePullRequest): "OPEN" | "CLOSED" | "MERGED" {
  return pr.mergedAt !== undefined ? "MERGED" : pr.state === "open" ? "OPEN" : "CLOSED";
}

function repositoryNode(repo: FakeRepository) {
  const commitsBySha = new Map(repo.commits.map((commit) => [commit.sha, commit]));
  const pullRequestNode = (pr: FakePullRequest) => ({
    fullDatabaseId: String(repo.id * 100_000 + pr.number),
    number: pr.number,
    title: pr.title,
    state: pullRequestState(pr),
    isDraft: false,
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    closedAt: pr.closedAt ?? null,
    mergedAt: pr.mergedAt ?? null,
    merged: pr.mergedAt !== undefined,
    headRefName: pr.head,
    baseRefName: pr.base,
    additions: pr.additions ?? 0,
    deletions: pr.deletions ?? 0,
    author: actor(pr.user),
    mergeCommit: pr.mergedAt !== undefined && pr.mergeCommitSha !== undefined ? { oid: pr.mergeCommitSha } : null,
    commits: (page: Page) =>
      connection(
        (pr.commits ?? []).flatMap((sha) => {
          const found = commitsBySha.get(sha);
          return found === undefined ? [] : [found];
        }),
        page,
        (found) => ({ commit: { oid: found.sha, authoredDate: found.authoredAt, committedDate: found.committedAt } }),
      ),
    reviews: (page: Page) =>
      connection(pr.reviews ?? [], page, (review: FakeReview) => ({
        fullDatabaseId: String(review.id),
        state: review.state,
        submittedAt: review.submittedAt,
        author: actor(review.user),
      })),
  });
  return {
    name: repo.name,
    databaseId: repo.id,
    pullRequest: ({ number }: { number: number }) => {
      const found = repo.pulls.find((pr) => pr.number === number);
      return found === undefined ? null : pullRequestNode(found);
    },
    pullRequests: (args: Page & { orderBy?: { field: string; direction: string } | null; states?: string[] | null }) => {
      const field = args.orderBy?.field ?? "CREATED_AT";
      const key = (pr: FakePullRequest) => (field === "UPDATED_AT" ? pr.updatedAt : pr.createdAt);
      const descending = args.orderBy?.direction === "DESC";
      const pulls = repo.pulls
        .filter((pr) => args.states == null || args.states.includes(pullRequestState(pr)))
        .sort((a, b) =>
          descending ? key(b).localeCompare(key(a)) || b.number - a.number : key(a).localeCompare(key(b)) || a.number - b.number,
        );
      return connection(pulls, args, pullRequestNode);
    },
  };
}
