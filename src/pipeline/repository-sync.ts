import type { Pool } from "../db/index.js";
import {
  commit,
  commits,
  compareCommits,
  deployments,
  deploymentStatuses,
  graphqlPullRequests,
  labelledIssues,
  RateBudgetExhaustedError,
  RepositoryUnavailableError,
  workflowRuns,
  type CommitRecord,
  type Etag,
  type GitHubClient,
  type RateBudget,
  type RepositoryRef,
} from "../github/index.js";
import {
  deploymentsNeedingStatuses,
  deploymentsToCompare,
  loadSyncStates,
  markRepository,
  saveCommits,
  saveDeploymentCommits,
  saveDeployments,
  saveDeploymentStatuses,
  saveIncidents,
  savePullRequests,
  saveSyncState,
  saveWorkflowRuns,
  type CommitsStatus,
  type DeploymentToCompare,
  type PullRequestRow,
  type ReviewRow,
  type SyncResource,
  type SyncState,
} from "../ingest/index.js";
import { summarize } from "./error-summary.js";

const day = 24 * 60 * 60 * 1000;
/** Merged branches bring commits whose commit date is older than the merge: re-list a week. */
const commitOverlapMs = 7 * day;
/** Deployments have no time filter; the listing stops a day before the newest one already seen. */
const deploymentOverlapMs = day;
/** A run still in progress holds the workflow-run watermark back, unless it has been stuck this long. */
const stuckRunMs = 3 * day;
/** Statuses are read for this many deployments at a time before they are saved. */
const statusBatch = 20;

/** The activity ran out of its time: the repositories left are carried to the next run, like a spent rate budget. */
export class ShardTimeUpError extends Error {
  override readonly name = "ShardTimeUpError" as const;
  constructor(readonly seconds: number) {
    super(`The repository shard stopped after ${seconds}s to stay within the activity time limit; the next run continues it.`);
  }
}

export interface RepositorySyncContext {
  pool: Pool;
  client: GitHubClient;
  budget: RateBudget;
  enterprise: string;
  organization: string;
  runId: string | undefined;
  now: Date;
  /** Where history starts for a repository seen for the first time (REPOSITORY_BACKFILL_DAYS). */
  horizon: Date;
  /** DORA_ENVIRONMENTS in lower case: statuses and shipped commits are read for these only. */
  environments: string[];
  incidentLabels: string[];
  /** Throws ShardTimeUpError when the activity should stop. */
  checkTime: () => void;
}

export interface SyncedRepository {
  repositoryId: number;
  name: string;
  defaultBranch: string | null;
}

export type RepositoryOutcome =
  { status: "ok" | "not_found" | "empty"; records: number } | { status: "failed"; records: number; error: string };

/** Errors that end the shard (and keep the work for the next run) rather than fail one repository. */
export function isStop(error: unknown): error is RateBudgetExhaustedError | ShardTimeUpError {
  return error instanceof RateBudgetExhaustedError || error instanceof ShardTimeUpError;
}

/**
 * Brings one repository up to date, resource by resource. Each resource's watermark and ETag are
 * saved only after its rows are, so an interruption (rate budget, time, a crash) leaves the old
 * watermark and the next run reads the same range again; the upserts make that harmless.
 */
export async function syncRepository(context: RepositorySyncContext, repository: SyncedRepository): Promise<RepositoryOutcome> {
  const repo: RepositoryRef = { organization: context.organization, name: repository.name };
  const stored = { enterprise: context.enterprise, repositoryId: repository.repositoryId, organization: context.organization };
  const states = await loadSyncStates(context.pool, stored);
  const steps: Array<[SyncResource, (state: SyncState | undefined) => Promise<{ records: number; state: Omit<SyncState, "status"> }>]> = [
    ["pull_requests", (state) => syncPullRequests(context, repo, stored, state)],
    ["commits", (state) => syncCommits(context, repo, stored, state)],
    ["deployments", (state) => syncDeployments(context, repo, stored, state)],
    ["workflow_runs", (state) => syncWorkflowRuns(context, repo, stored, state)],
    ...context.incidentLabels.map(
      (label): [SyncResource, (state: SyncState | undefined) => Promise<{ records: number; state: Omit<SyncState, "status"> }>] => [
        `incidents:${label}`,
        (state) => syncIncidents(context, repo, stored, label, state),
      ],
    ),
  ];
  let records = 0;
  const errors: string[] = [];
  for (const [resource, step] of steps) {
    context.checkTime();
    const before = states.get(resource);
    try {
      const done = await step(before);
      records += done.records;
      await saveSyncState(context.pool, stored, resource, { status: "ok", ...done.state, runId: context.runId });
    } catch (error) {
      if (isStop(error)) throw error;
      if (error instanceof RepositoryUnavailableError) {
        // Recorded, not fatal: the repository is skipped until the listing shows it again.
        await markRepository(context.pool, stored, error.reason);
        await saveSyncState(context.pool, stored, resource, {
          ...keep(before),
          status: error.reason,
          lastError: error.message,
          runId: context.runId,
        });
        return { status: error.reason, records };
      }
      const summary = summarize(error);
      errors.push(`${resource}: ${summary.errorClass}: ${summary.message}`);
      await saveSyncState(context.pool, stored, resource, {
        ...keep(before),
        status: "failed",
        lastError: summary.message,
        runId: context.runId,
      });
    }
  }
  await markRepository(context.pool, stored, "active");
  return errors.length === 0 ? { status: "ok", records } : { status: "failed", records, error: errors.join("; ") };
}

function keep(state: SyncState | undefined): Omit<SyncState, "status"> {
  return { watermark: state?.watermark ?? null, etag: state?.etag ?? null, etagUrl: state?.etagUrl ?? null };
}

function etagOf(state: SyncState | undefined): Etag | undefined {
  return state?.etag && state.etagUrl ? { value: state.etag, url: state.etagUrl } : undefined;
}

function later(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

type Stored = { enterprise: string; repositoryId: number; organization: string };

/**
 * Pull requests, most recently updated first, down to the watermark: one GraphQL query per 100,
 * each with its reviews, exact merge commit, size and first commit. Each page is saved as it
 * comes, so when the budget or the time runs out mid-sweep what was read is kept; the watermark
 * moves only once the sweep reached it, and the upserts make reading a page again harmless.
 * GraphQL has no conditional requests: an unchanged repository costs one query.
 */
async function syncPullRequests(context: RepositorySyncContext, repo: RepositoryRef, stored: Stored, state: SyncState | undefined) {
  const watermark = state?.watermark ?? context.horizon;
  let newest: Date | null = state?.watermark ?? null;
  let records = 0;
  for await (const page of graphqlPullRequests(context.client, context.budget, repo)) {
    context.checkTime();
    const fresh = page.filter((pr) => new Date(pr.updatedAt) >= watermark);
    for (const pr of fresh) newest = later(newest, new Date(pr.updatedAt));
    const rows: PullRequestRow[] = fresh.map(({ reviews: _reviews, ...pr }) => pr);
    const reviews: ReviewRow[] = fresh.flatMap((pr) => pr.reviews.map((review) => ({ ...review, pullNumber: pr.number })));
    records += await savePullRequests(context.pool, stored, rows, reviews);
    // Sorted by update time: a page that reaches below the watermark is the last one needed.
    if (fresh.length < page.length) break;
  }
  return { records, state: { watermark: newest, etag: null, etagUrl: null } };
}

async function syncCommits(context: RepositorySyncContext, repo: RepositoryRef, stored: Stored, state: SyncState | undefined) {
  const since = state?.watermark ? new Date(state.watermark.getTime() - commitOverlapMs) : context.horizon;
  let newest: Date | null = state?.watermark ?? null;
  let first: { etag: string | null; url: string } | undefined;
  let records = 0;
  for await (const page of commits(context.client, context.budget, repo, since, etagOf(state))) {
    if (page.notModified) return { records: 0, state: keep(state) };
    context.checkTime();
    first ??= { etag: page.etag ?? null, url: page.firstUrl };
    for (const found of page.records) newest = later(newest, new Date(found.committedAt));
    records += await saveCommits(context.pool, stored, page.records);
  }
  return { records, state: { watermark: newest, etag: first?.etag ?? null, etagUrl: first?.url ?? null } };
}

/**
 * Deployments (all environments, from the listing), then the statuses of those in a DORA
 * environment that are new or not final yet, then the commits each successful one shipped.
 */
async function syncDeployments(context: RepositorySyncContext, repo: RepositoryRef, stored: Stored, state: SyncState | undefined) {
  const stopBefore = state?.watermark ? new Date(state.watermark.getTime() - deploymentOverlapMs) : context.horizon;
  let newest: Date | null = state?.watermark ?? null;
  let first: { etag: string | null; url: string } | undefined;
  let records = 0;
  let listed = true;
  for await (const page of deployments(context.client, context.budget, repo, etagOf(state))) {
    if (page.notModified) {
      listed = false;
      break;
    }
    context.checkTime();
    first ??= { etag: page.etag ?? null, url: page.firstUrl };
    for (const deployment of page.records) newest = later(newest, new Date(deployment.createdAt));
    records += await saveDeployments(context.pool, stored, page.records);
    if (page.records.every((deployment) => new Date(deployment.createdAt) < stopBefore)) break;
  }
  records += await syncDeploymentStatuses(context, repo, stored);
  records += await syncDeploymentCommits(context, repo, stored);
  const listing = listed ? { watermark: newest, etag: first?.etag ?? null, etagUrl: first?.url ?? null } : keep(state);
  return { records, state: listing };
}

async function syncDeploymentStatuses(context: RepositorySyncContext, repo: RepositoryRef, stored: Stored): Promise<number> {
  const ids = await deploymentsNeedingStatuses(context.pool, stored, context.environments, context.now);
  let records = 0;
  for (let start = 0; start < ids.length; start += statusBatch) {
    context.checkTime();
    const batch = ids.slice(start, start + statusBatch);
    const statuses = [];
    for (const deploymentId of batch) {
      const found = await deploymentStatuses(context.client, context.budget, repo, deploymentId);
      statuses.push(...found.map((status) => ({ ...status, deploymentId })));
    }
    records += await saveDeploymentStatuses(context.pool, stored, batch, statuses);
  }
  return records;
}

/**
 * The commits each successful deployment shipped: compare the previous successful deployment's sha
 * with its own. The first deployment seen, and one whose previous sha GitHub no longer knows (a
 * force push), are linked to their own commit only; a redeploy of the same or an older sha ships
 * nothing.
 */
async function syncDeploymentCommits(context: RepositorySyncContext, repo: RepositoryRef, stored: Stored): Promise<number> {
  let records = 0;
  for (const deployment of await deploymentsToCompare(context.pool, stored, context.environments)) {
    context.checkTime();
    const { status, shipped } = await shippedCommits(context, repo, deployment);
    records += await saveDeploymentCommits(context.pool, stored, deployment, status, shipped);
  }
  return records;
}

async function shippedCommits(
  context: RepositorySyncContext,
  repo: RepositoryRef,
  deployment: DeploymentToCompare,
): Promise<{ status: CommitsStatus; shipped: CommitRecord[] }> {
  const own = async (status: CommitsStatus) => {
    const head = await commit(context.client, context.budget, repo, deployment.sha);
    return head === undefined ? { status: "head_missing" as const, shipped: [] } : { status, shipped: [head] };
  };
  if (deployment.previousSha === null) return own("first");
  if (deployment.previousSha === deployment.sha) return { status: "compared", shipped: [] };
  const compared = await compareCommits(context.client, context.budget, repo, deployment.previousSha, deployment.sha);
  if (compared === "head-missing") return { status: "head_missing", shipped: [] };
  if (compared === "base-missing") return own("base_missing");
  // "diverged" (the branch was force-pushed): the commits after the merge base are the new ones.
  return { status: "compared", shipped: compared.status === "ahead" || compared.status === "diverged" ? compared.commits : [] };
}

async function syncWorkflowRuns(context: RepositorySyncContext, repo: RepositoryRef, stored: Stored, state: SyncState | undefined) {
  const from = state?.watermark ?? context.horizon;
  let newest: Date | null = state?.watermark ?? null;
  let earliestOpen: Date | null = null;
  let first: { etag: string | null; url: string } | undefined;
  let records = 0;
  for await (const page of workflowRuns(context.client, context.budget, repo, from, context.now, etagOf(state))) {
    if (page.notModified) return { records: 0, state: keep(state) };
    context.checkTime();
    first ??= { etag: page.etag ?? null, url: page.firstUrl };
    for (const run of page.records) {
      const created = new Date(run.createdAt);
      newest = later(newest, created);
      const stuck = context.now.getTime() - created.getTime() > stuckRunMs;
      if (run.status !== "completed" && !stuck && (earliestOpen === null || created < earliestOpen)) earliestOpen = created;
    }
    records += await saveWorkflowRuns(context.pool, stored, page.records);
  }
  // A run still going changes later: the next run reads again from the oldest one still open.
  const watermark = earliestOpen !== null && (newest === null || earliestOpen < newest) ? earliestOpen : newest;
  return { records, state: { watermark, etag: first?.etag ?? null, etagUrl: first?.url ?? null } };
}

async function syncIncidents(
  context: RepositorySyncContext,
  repo: RepositoryRef,
  stored: Stored,
  label: string,
  state: SyncState | undefined,
) {
  const since = state?.watermark ?? context.horizon;
  let newest: Date | null = state?.watermark ?? null;
  let first: { etag: string | null; url: string } | undefined;
  let records = 0;
  for await (const page of labelledIssues(context.client, context.budget, repo, label, since, etagOf(state))) {
    if (page.notModified) return { records: 0, state: keep(state) };
    context.checkTime();
    first ??= { etag: page.etag ?? null, url: page.firstUrl };
    for (const issue of page.records) newest = later(newest, new Date(issue.updatedAt));
    records += await saveIncidents(
      context.pool,
      stored,
      page.records.filter((issue) => !issue.isPullRequest),
    );
  }
  return { records, state: { watermark: newest, etag: first?.etag ?? null, etagUrl: first?.url ?? null } };
}
