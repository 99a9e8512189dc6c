import { RequestError } from "@octokit/request-error";
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { getJson, listPages, pageUrl, paginate, type Etag, type NotModifiedPage } from "./paginate.js";
import type { RateBudget } from "./rate-budget.js";
import {
  commitItem,
  comparison,
  deploymentItem,
  deploymentStatusItem,
  issueItem,
  repositoryItem,
  workflowRunPage,
  type CommitRecord,
  type DeploymentRecord,
  type DeploymentStatusRecord,
  type IssueRecord,
  type RepositoryRecord,
  type WorkflowRunRecord,
} from "./repository-records.js";

export interface RepositoryRef {
  organization: string;
  name: string;
}

/** A page of parsed records; `etag` and `firstUrl` identify the first page for the next run's conditional request. */
export interface RecordPage<T> {
  notModified: false;
  records: T[];
  etag: string | undefined;
  firstUrl: string;
}
export type Pages<T> = AsyncGenerator<RecordPage<T> | NotModifiedPage>;

/** The repository answers 404 (deleted, renamed away, or no longer visible) or 409 (no commits yet). */
export class RepositoryUnavailableError extends Error {
  override readonly name = "RepositoryUnavailableError" as const;
  constructor(
    readonly repository: string,
    readonly reason: "not_found" | "empty",
  ) {
    super(
      reason === "not_found"
        ? `Repository ${repository} answered 404: it was deleted, renamed away or is no longer visible to the token.`
        : `Repository ${repository} answered 409: it has no commits yet.`,
    );
  }
}

/** GitHub's JSON for an endpoint did not have the shape we read. */
export class RepositoryResponseError extends Error {
  override readonly name = "RepositoryResponseError" as const;
  constructor(
    readonly endpoint: string,
    problem: string,
  ) {
    super(`GitHub's answer for ${endpoint} has an unexpected shape: ${problem}.`);
  }
}

/** The /search-style `created` filter caps results at 1,000 (reference §4.1). */
const workflowRunResultCap = 1000;
const perPage = 100;

function repositoryLabel(repo: RepositoryRef): string {
  return `${repo.organization}/${repo.name}`;
}

function repoPath(repo: RepositoryRef, rest: string): string {
  return `/repos/${encodeURIComponent(repo.organization)}/${encodeURIComponent(repo.name)}${rest}`;
}

function parse<T extends z.ZodType>(schema: T, data: unknown, endpoint: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new RepositoryResponseError(endpoint, z.prettifyError(parsed.error));
  return parsed.data;
}

/** 404 and 409 on a repository's own listings mean the repository, not the request, is the problem. */
function unavailable(error: unknown, repo: RepositoryRef): unknown {
  if (error instanceof RequestError && (error.status === 404 || error.status === 409)) {
    return new RepositoryUnavailableError(repositoryLabel(repo), error.status === 404 ? "not_found" : "empty");
  }
  return error;
}

/** Parsed pages of a listing; a NotModifiedPage can only come when an `etag` is given. */
function recordPages<S extends z.ZodType>(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef | undefined,
  url: string,
  item: S,
  endpoint: string,
): AsyncGenerator<RecordPage<z.output<S>>>;
function recordPages<S extends z.ZodType>(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef | undefined,
  url: string,
  item: S,
  endpoint: string,
  etag: Etag | undefined,
): Pages<z.output<S>>;
async function* recordPages<S extends z.ZodType>(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef | undefined,
  url: string,
  item: S,
  endpoint: string,
  etag?: Etag,
): Pages<z.output<S>> {
  const list = z.array(item);
  try {
    for await (const page of paginate(client, url, { budget, etag })) {
      if (page.notModified) {
        yield page;
        return;
      }
      const records = parse(list, page.data, endpoint);
      yield { notModified: false, records, etag: page.etag, firstUrl: page.firstUrl };
    }
  } catch (error) {
    throw repo === undefined ? error : unavailable(error, repo);
  }
}

/** Every record of an unconditional listing, all its pages read through Octokit's paginate. */
async function* listRecords<S extends z.ZodType>(
  client: GitHubClient,
  budget: RateBudget,
  url: string,
  item: S,
  endpoint: string,
): AsyncGenerator<Array<z.output<S>>> {
  const list = z.array(item);
  for await (const data of listPages(client, url, budget)) yield parse(list, data, endpoint);
}

/** The organization's repositories, sorted by name so that a listing is stable. */
export function organizationRepositories(
  client: GitHubClient,
  budget: RateBudget,
  organization: string,
): AsyncGenerator<RepositoryRecord[]> {
  const url = pageUrl(`/orgs/${encodeURIComponent(organization)}/repos`, {
    type: "all",
    sort: "full_name",
    direction: "asc",
    per_page: perPage,
  });
  return listRecords(client, budget, url, repositoryItem, `the repositories of ${organization}`);
}

/** Default-branch commits committed since `since` (to the second), newest first. */
export function commits(client: GitHubClient, budget: RateBudget, repo: RepositoryRef, since: Date, etag?: Etag): Pages<CommitRecord> {
  const url = pageUrl(repoPath(repo, "/commits"), { since: searchTime(since), per_page: perPage });
  return recordPages(client, budget, repo, url, commitItem, `the commits of ${repositoryLabel(repo)}`, etag);
}

/** Deployments, newest first (GitHub's order, by id; the docs do not promise it, so callers only stop early on a whole page of old ones). */
export function deployments(client: GitHubClient, budget: RateBudget, repo: RepositoryRef, etag?: Etag): Pages<DeploymentRecord> {
  const url = pageUrl(repoPath(repo, "/deployments"), { per_page: perPage });
  return recordPages(client, budget, repo, url, deploymentItem, `the deployments of ${repositoryLabel(repo)}`, etag);
}

export async function deploymentStatuses(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef,
  deploymentId: number,
): Promise<DeploymentStatusRecord[]> {
  const url = pageUrl(repoPath(repo, `/deployments/${deploymentId}/statuses`), { per_page: perPage });
  const endpoint = `the statuses of deployment ${deploymentId} of ${repositoryLabel(repo)}`;
  const statuses: DeploymentStatusRecord[] = [];
  try {
    for await (const page of listRecords(client, budget, url, deploymentStatusItem, endpoint)) statuses.push(...page);
  } catch (error) {
    throw unavailable(error, repo);
  }
  return statuses;
}

/**
 * The commits `head` has that `base` has not (the compare API), paging past its 250-commit first
 * answer. `base-missing` when GitHub no longer knows `base` (a force push left it unreachable and it
 * was collected), `head-missing` when it does not know `head`.
 */
export async function compareCommits(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef,
  base: string,
  head: string,
): Promise<{ status: "ahead" | "behind" | "identical" | "diverged"; commits: CommitRecord[] } | "base-missing" | "head-missing"> {
  const url = pageUrl(repoPath(repo, `/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`), { per_page: perPage });
  const endpoint = `the comparison ${base.slice(0, 7)}...${head.slice(0, 7)} of ${repositoryLabel(repo)}`;
  const found: CommitRecord[] = [];
  let status: "ahead" | "behind" | "identical" | "diverged" = "identical";
  try {
    for await (const page of paginate(client, url, { budget })) {
      const parsed = parse(comparison, page.data, endpoint);
      status = parsed.status;
      found.push(...parsed.commits);
    }
  } catch (error) {
    if (error instanceof RequestError && error.status === 404) {
      return (await commit(client, budget, repo, head)) === undefined ? "head-missing" : "base-missing";
    }
    throw unavailable(error, repo);
  }
  return { status, commits: found };
}

/** One commit, or undefined when GitHub does not know the sha. */
export async function commit(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef,
  sha: string,
): Promise<CommitRecord | undefined> {
  try {
    const answer = await getJson(client, repoPath(repo, `/commits/${encodeURIComponent(sha)}`), budget);
    return parse(commitItem, answer.data, `commit ${sha.slice(0, 7)} of ${repositoryLabel(repo)}`);
  } catch (error) {
    if (error instanceof RequestError && (error.status === 404 || error.status === 422)) return undefined;
    throw unavailable(error, repo);
  }
}

/**
 * Workflow runs created in [from, to]. A `created` query answers at most 1,000 runs, so a window
 * whose total_count passes that is split in halves until each fits. The first request is the
 * open-ended `created=>=from`, whose URL stays the same while the watermark does: its ETag lets an
 * unchanged repository cost nothing.
 */
export async function* workflowRuns(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef,
  from: Date,
  to: Date,
  etag?: Etag,
): AsyncGenerator<RecordPage<WorkflowRunRecord> | NotModifiedPage> {
  const endpoint = `the workflow runs of ${repositoryLabel(repo)}`;
  const query = (created: string) =>
    pageUrl(repoPath(repo, "/actions/runs"), { created, exclude_pull_requests: "true", per_page: perPage });

  async function* window(
    url: string,
    start: Date,
    end: Date,
    useEtag: boolean,
  ): AsyncGenerator<RecordPage<WorkflowRunRecord> | NotModifiedPage> {
    const pages = paginate(client, url, { budget, etag: useEtag ? etag : undefined });
    try {
      for await (const page of pages) {
        if (page.notModified) {
          yield page;
          return;
        }
        const parsed = parse(workflowRunPage, page.data, endpoint);
        const seconds = Math.floor((end.getTime() - start.getTime()) / 1000);
        if (page.pageNumber === 1 && parsed.total_count > workflowRunResultCap && seconds >= 1) {
          await pages.return(undefined);
          const middle = new Date(start.getTime() + Math.floor(seconds / 2) * 1000);
          const afterMiddle = new Date(middle.getTime() + 1000);
          yield* window(query(`${searchTime(start)}..${searchTime(middle)}`), start, middle, false);
          yield* window(query(`${searchTime(afterMiddle)}..${searchTime(end)}`), afterMiddle, end, false);
          return;
        }
        yield { notModified: false, records: parsed.workflow_runs, etag: page.etag, firstUrl: page.firstUrl };
      }
    } catch (error) {
      throw unavailable(error, repo);
    }
  }

  const start = new Date(Math.floor(from.getTime() / 1000) * 1000);
  const end = new Date(Math.floor(to.getTime() / 1000) * 1000);
  yield* window(query(`>=${searchTime(start)}`), start, end, true);
}

/** Issues carrying `label` updated since `since` (to the second), oldest update first, pull requests left out. */
export function labelledIssues(
  client: GitHubClient,
  budget: RateBudget,
  repo: RepositoryRef,
  label: string,
  since: Date,
  etag?: Etag,
): Pages<IssueRecord> {
  const url = pageUrl(repoPath(repo, "/issues"), {
    labels: label,
    state: "all",
    since: searchTime(since),
    sort: "updated",
    direction: "asc",
    per_page: perPage,
  });
  return recordPages(client, budget, repo, url, issueItem, `the ${label} issues of ${repositoryLabel(repo)}`, etag);
}

/** GitHub's date syntax for `created` and `since`: whole seconds, UTC. */
function searchTime(moment: Date): string {
  return moment.toISOString().replace(/\.\d{3}Z$/, "Z");
}
