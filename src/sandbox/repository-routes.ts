import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { buffer } from "node:stream/consumers";
import { isDay } from "../days.js";
import { json, type ExtraRoute } from "./github-server.js";
import { answerGraphql } from "./repository-graphql.js";
import type { FakeCommit, FakeDeployment, FakeRepository, FakeRepositoryData } from "./repository-model.js";
import { commit, commitComparison, deployment, deploymentStatus, issue, minimalRepository, workflowRun } from "./rest-objects.js";

// GitHub's repository endpoints over an in-memory model, for the sandbox and the tests: link-header
// pagination, ETags with 304, the 1,000-result cap of `created` queries, 404 for a vanished
// repository and 409 for an empty one, and pull requests through GraphQL (repository-graphql.ts,
// with its own point limit).

export interface ServedRequest {
  path: string;
  /** The query string; for `POST /graphql`, the operation's name (`operation`) and its variables. */
  query: Record<string, string>;
  status: number;
}

/** GitHub's cap on what a `created`-filtered workflow run query can page through. */
const searchCap = 1000;

/**
 * The routes, reading `data` on every request (a test changes it between runs). `served` lists
 * every answer with its status, so a test can see which requests a 304 answered.
 */
export function repositoryRoutes(data: FakeRepositoryData): { routes: ExtraRoute[]; served: ServedRequest[] } {
  const served: ServedRequest[] = [];
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let pointsUsed = 0;
  const graphqlRoute: ExtraRoute = async (request, response, url) => {
    if (request.method !== "POST" || url.pathname !== "/graphql") return false;
    const body = (await buffer(request)).toString("utf8");
    const limit = data.graphqlPointLimit ?? 5000;
    const answer = await answerGraphql(data, body, {
      limit,
      resetAt: new Date(resetAt * 1000).toISOString().replace(".000Z", "Z"),
      remaining: (cost) => {
        pointsUsed += cost;
        return Math.max(limit - pointsUsed, 0);
      },
    });
    const query: Record<string, string> = { operation: answer.operation ?? "" };
    for (const [key, value] of Object.entries(answer.variables)) {
      // The collector's variables are strings and numbers; JSON spells those as String() does.
      if (value !== null && value !== undefined) query[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    served.push({ path: url.pathname, query, status: 200 });
    // GitHub answers GraphQL errors with 200 too; its rate-limit headers name the graphql resource.
    json(response, 200, answer.body, {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(limit - pointsUsed, 0)),
      "x-ratelimit-used": String(pointsUsed),
      "x-ratelimit-reset": String(resetAt),
      "x-ratelimit-resource": "graphql",
    });
    return true;
  };
  const route: ExtraRoute = (request, response, url) => {
    if (request.method !== "GET") return false;
    const answer = answerFor(data, url);
    if (answer === undefined) return false;
    const query = Object.fromEntries(url.searchParams);
    if (answer.kind === "error") {
      served.push({ path: url.pathname, query, status: answer.status });
      json(response, answer.status, answer.body);
      return true;
    }
    const page = answer.kind === "list" ? listPage(answer, url, request) : { body: answer.body };
    const text = JSON.stringify(page.body);
    const etag = `W/"${createHash("sha1").update(text).digest("hex")}"`;
    if (request.headers["if-none-match"] === etag) {
      served.push({ path: url.pathname, query, status: 304 });
      response.writeHead(304, { etag }).end();
      return true;
    }
    served.push({ path: url.pathname, query, status: 200 });
    json(response, 200, page.body, { etag, ...(page.link === undefined ? {} : { link: page.link }) });
    return true;
  };
  return { routes: [graphqlRoute, route], served };
}

/** A listing: `wrap` puts a page's items into GitHub's envelope; `perPageDefault` is also the largest page; `cap` hides items past it. */
export interface ListAnswer {
  items: unknown[];
  wrap?: (items: unknown[]) => unknown;
  perPageDefault?: number;
  cap?: number;
}

type Answer = ({ kind: "list" } & ListAnswer) | { kind: "single"; body: unknown } | { kind: "error"; status: number; body: unknown };

function notFound(): Answer {
  return { kind: "error", status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
}

function answerFor(data: FakeRepositoryData, url: URL): Answer | undefined {
  const path = decodeURIComponent(url.pathname);
  const q = url.searchParams;
  const org = /^\/orgs\/([^/]+)\/repos$/.exec(path);
  if (org !== null) {
    const repos = data.repositories
      .filter((repo) => repo.owner === org[1] && repo.unlisted !== true)
      .sort((a, b) => a.name.localeCompare(b.name));
    return { kind: "list", items: repos.map(repositoryJson) };
  }
  const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (repoMatch === null) return undefined;
  const repo = data.repositories.find((candidate) => candidate.owner === repoMatch[1] && candidate.name === repoMatch[2]);
  if (repo === undefined || repo.gone === true) return notFound();
  return repositoryAnswer(repo, repoMatch[3] ?? "", q);
}

function repositoryAnswer(repo: FakeRepository, rest: string, q: URLSearchParams): Answer {
  const commitsBySha = new Map(repo.commits.map((known) => [known.sha, known]));
  const commitJson = (known: FakeCommit) => commit(repo.owner, repo.name, known);
  if (rest === "/commits") {
    if (repo.head === undefined)
      return {
        kind: "error",
        status: 409,
        body: { message: "Git Repository is empty.", documentation_url: "https://docs.github.com/rest" },
      };
    const since = q.get("since");
    const onBranch = [...ancestors(repo, repo.head).values()].filter((known) => since === null || known.committedAt >= since);
    onBranch.sort((a, b) => b.committedAt.localeCompare(a.committedAt));
    return { kind: "list", items: onBranch.map(commitJson) };
  }
  const sha = /^\/commits\/([^/]+)$/.exec(rest)?.[1];
  if (sha !== undefined) {
    const known = commitsBySha.get(sha);
    return known === undefined
      ? {
          kind: "error",
          status: 422,
          body: { message: `No commit found for SHA: ${sha}`, documentation_url: "https://docs.github.com/rest" },
        }
      : { kind: "single", body: commitJson(known) };
  }
  const [, base, head] = /^\/compare\/([^.]+)\.\.\.(.+)$/.exec(rest) ?? [];
  if (base !== undefined && head !== undefined) {
    const baseCommit = commitsBySha.get(base);
    if (baseCommit === undefined || !commitsBySha.has(head)) return notFound();
    const fromBase = ancestors(repo, base);
    const fromHead = ancestors(repo, head);
    const ahead = [...fromHead.values()].filter((known) => !fromBase.has(known.sha));
    ahead.sort((a, b) => a.committedAt.localeCompare(b.committedAt));
    const status = base === head ? "identical" : fromBase.has(head) ? "behind" : fromHead.has(base) ? "ahead" : "diverged";
    const behindBy = [...fromBase.keys()].filter((known) => !fromHead.has(known)).length;
    // The merge base: the newest commit both sides reach (the base itself when the sides share none).
    const shared = [...fromBase.values()].filter((known) => fromHead.has(known.sha));
    const mergeBase = shared.reduce(
      (newest, candidate) => (candidate.committedAt > newest.committedAt ? candidate : newest),
      shared[0] ?? baseCommit,
    );
    return {
      kind: "list",
      items: ahead.map(commitJson),
      perPageDefault: 250,
      wrap: (items) =>
        commitComparison(
          repo.owner,
          repo.name,
          {
            base: commitJson(baseCommit),
            mergeBase: commitJson(mergeBase),
            head,
            status,
            aheadBy: ahead.length,
            behindBy,
          },
          items,
        ),
    };
  }
  if (rest === "/deployments") {
    return {
      kind: "list",
      items: [...repo.deployments]
        .sort((a, b) => b.id - a.id)
        .map((known) => deployment(repo.owner, repo.name, { ...known, updatedAt: latestStatusAt(known) })),
    };
  }
  const deploymentId = /^\/deployments\/(\d+)\/statuses$/.exec(rest)?.[1];
  if (deploymentId !== undefined) {
    const found = repo.deployments.find((candidate) => candidate.id === Number(deploymentId));
    if (found === undefined) return notFound();
    return {
      kind: "list",
      items: [...found.statuses].sort((a, b) => b.id - a.id).map((status) => deploymentStatus(repo.owner, repo.name, found.id, status)),
    };
  }
  if (rest === "/actions/runs") {
    const created = q.get("created");
    const runs = repo.runs.filter((run) => created === null || inCreatedRange(run.createdAt, created));
    runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
    const total = runs.length;
    return {
      kind: "list",
      items: runs.map((run) => workflowRun(repositoryFacts(repo), run)),
      ...(created === null ? {} : { cap: searchCap }),
      wrap: (items) => ({ total_count: total, workflow_runs: items }),
    };
  }
  if (rest === "/issues") {
    const labels = (q.get("labels") ?? "")
      .split(",")
      .filter((label) => label !== "")
      .map((label) => label.toLowerCase());
    const state = q.get("state") ?? "open";
    const since = q.get("since");
    const issues = repo.issues.filter(
      (issue) =>
        (state === "all" || issue.state === state) &&
        labels.every((label) => issue.labels.some((own) => own.toLowerCase() === label)) &&
        (since === null || issue.updatedAt >= since),
    );
    const direction = q.get("direction") ?? "desc";
    issues.sort(
      (a, b) =>
        (direction === "asc" ? a.updatedAt.localeCompare(b.updatedAt) : b.updatedAt.localeCompare(a.updatedAt)) || a.number - b.number,
    );
    return {
      kind: "list",
      items: issues.map((known) =>
        issue(repo.owner, repo.name, { ...known, closedAt: known.closedAt ?? null, isPullRequest: known.isPullRequest === true }),
      ),
    };
  }
  return notFound();
}

/** The page of `answer` that `url` asks for, with GitHub's `link` header when there is more than one page. */
export function listPage(answer: ListAnswer, url: URL, request: IncomingMessage): { body: unknown; link?: string } {
  const perPage = Math.min(Number(url.searchParams.get("per_page") ?? answer.perPageDefault ?? 30), answer.perPageDefault ?? 100);
  const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
  const reachable = answer.cap === undefined ? answer.items : answer.items.slice(0, answer.cap);
  const items = reachable.slice((page - 1) * perPage, page * perPage);
  const body = answer.wrap === undefined ? items : answer.wrap(items);
  const lastPage = Math.max(1, Math.ceil(reachable.length / perPage));
  if (lastPage <= 1) return { body };
  const link = (n: number, rel: string) => {
    const next = new URL(url.pathname + url.search, `http://${request.headers.host}`);
    next.searchParams.set("page", String(n));
    return `<${next.toString()}>; rel="${rel}"`;
  };
  const parts = [
    ...(page < lastPage ? [link(page + 1, "next"), link(lastPage, "last")] : []),
    ...(page > 1 ? [link(1, "first"), link(page - 1, "prev")] : []),
  ];
  return { body, ...(parts.length === 0 ? {} : { link: parts.join(", ") }) };
}

/** `>=T`, `<=T`, `A..B` (both ends included), or a single day. */
function inCreatedRange(createdAt: string, filter: string): boolean {
  const moment = Date.parse(createdAt);
  const at = (text: string, end: boolean) => Date.parse(isDay(text) ? `${text}T${end ? "23:59:59" : "00:00:00"}Z` : text);
  if (filter.startsWith(">=")) return moment >= at(filter.slice(2), false);
  if (filter.startsWith("<=")) return moment <= at(filter.slice(2), true);
  // split() always yields a first part; the default only tells the type checker so.
  const [from = filter, to] = filter.split("..");
  if (to === undefined) return moment >= at(from, false) && moment <= at(from, true);
  return moment >= at(from, false) && moment <= at(to, true);
}

/** When the deployment last changed: its newest status, or its creation. */
function latestStatusAt(known: FakeDeployment): string {
  return known.statuses.reduce((last, status) => (status.createdAt > last ? status.createdAt : last), known.createdAt);
}

/** The commits `sha` reaches (itself included) by sha, in the order the walk meets them. */
function ancestors(repo: FakeRepository, sha: string): Map<string, FakeCommit> {
  const byId = new Map(repo.commits.map((commit) => [commit.sha, commit]));
  const seen = new Map<string, FakeCommit>();
  const stack = [sha];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const known = byId.get(next);
    if (known === undefined || seen.has(next)) continue;
    seen.set(next, known);
    stack.push(...known.parents);
  }
  return seen;
}

function repositoryFacts(repo: FakeRepository) {
  return {
    id: repo.id,
    owner: repo.owner,
    name: repo.name,
    defaultBranch: repo.defaultBranch,
    archived: repo.archived ?? false,
    createdAt: repo.createdAt,
    pushedAt: repo.pushedAt ?? repo.createdAt,
  };
}

function repositoryJson(repo: FakeRepository) {
  return minimalRepository(repositoryFacts(repo));
}
