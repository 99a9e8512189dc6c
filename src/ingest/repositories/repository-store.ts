import { inTransaction, sqlFile, type Pool } from "../../db/index.js";
import type {
  CommitRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  IssueRecord,
  PullRequestItem,
  RepositoryRecord,
  ReviewRecord,
  WorkflowRunRecord,
} from "../../github/index.js";

// Repository activity in PostgreSQL: every write is an idempotent upsert keyed by GitHub's ids, so
// a retried page or a resumed run never adds a row twice.

const sql = {
  saveRepositories: sqlFile(import.meta.url, "save-repositories.sql"),
  shardRepositories: sqlFile(import.meta.url, "shard-repositories.sql"),
  markRepository: sqlFile(import.meta.url, "mark-repository.sql"),
  loadSyncStates: sqlFile(import.meta.url, "load-sync-states.sql"),
  saveSyncState: sqlFile(import.meta.url, "save-sync-state.sql"),
  savePullRequests: sqlFile(import.meta.url, "save-pull-requests.sql"),
  saveCommits: sqlFile(import.meta.url, "save-commits.sql"),
  saveDeployments: sqlFile(import.meta.url, "save-deployments.sql"),
  deploymentsNeedingStatuses: sqlFile(import.meta.url, "deployments-needing-statuses.sql"),
  saveDeploymentStatuses: sqlFile(import.meta.url, "save-deployment-statuses.sql"),
  deploymentsToCompare: sqlFile(import.meta.url, "deployments-to-compare.sql"),
  deleteDeploymentCommits: sqlFile(import.meta.url, "delete-deployment-commits.sql"),
  saveDeploymentCommits: sqlFile(import.meta.url, "save-deployment-commits.sql"),
  saveWorkflowRuns: sqlFile(import.meta.url, "save-workflow-runs.sql"),
  saveIncidents: sqlFile(import.meta.url, "save-incidents.sql"),
};

export interface StoredRepository {
  enterprise: string;
  repositoryId: number;
}

export type SyncResource = "pull_requests" | "commits" | "deployments" | "workflow_runs" | `incidents:${string}`;

export interface SyncState {
  status: "ok" | "not_found" | "empty" | "failed";
  watermark: Date | null;
  etag: string | null;
  etagUrl: string | null;
}

export type PullRequestRow = PullRequestItem & { additions: number | null; deletions: number | null; firstCommitAt: string | null };
export type ReviewRow = ReviewRecord & { pullNumber: number };

/** Saves an organization's complete repository list; `active`: how many are to be synced. */
export async function saveRepositories(
  pool: Pool,
  enterprise: string,
  organization: string,
  repositories: RepositoryRecord[],
  options: { includeArchived: boolean; listedAt: Date },
): Promise<{ active: number }> {
  const result = await pool.query<{ active: number }>(sql.saveRepositories, [
    enterprise,
    organization,
    JSON.stringify(repositories),
    options.includeArchived,
    options.listedAt,
  ]);
  return result.rows[0] ?? { active: 0 };
}

export async function shardRepositories(
  pool: Pool,
  enterprise: string,
  organization: string,
  shard: number,
  shards: number,
): Promise<Array<{ repositoryId: number; name: string; defaultBranch: string | null }>> {
  const result = await pool.query<{ repository_id: number; name: string; default_branch: string | null }>(sql.shardRepositories, [
    enterprise,
    organization,
    shard,
    shards,
  ]);
  return result.rows.map((row) => ({ repositoryId: row.repository_id, name: row.name, defaultBranch: row.default_branch }));
}

export async function markRepository(pool: Pool, repo: StoredRepository, status: "active" | "not_found" | "empty"): Promise<void> {
  await pool.query(sql.markRepository, [repo.enterprise, repo.repositoryId, status]);
}

export async function loadSyncStates(pool: Pool, repo: StoredRepository): Promise<Map<string, SyncState>> {
  const result = await pool.query<{
    resource: string;
    status: SyncState["status"];
    watermark: Date | null;
    etag: string | null;
    etag_url: string | null;
  }>(sql.loadSyncStates, [repo.enterprise, repo.repositoryId]);
  return new Map(
    result.rows.map((row) => [row.resource, { status: row.status, watermark: row.watermark, etag: row.etag, etagUrl: row.etag_url }]),
  );
}

export async function saveSyncState(
  pool: Pool,
  repo: StoredRepository & { organization: string },
  resource: SyncResource,
  state: SyncState & { lastError?: string | undefined; runId: string | undefined },
): Promise<void> {
  await pool.query(sql.saveSyncState, [
    repo.enterprise,
    repo.repositoryId,
    resource,
    repo.organization,
    state.status,
    state.watermark,
    state.etag,
    state.etagUrl,
    state.lastError ?? null,
    state.runId ?? null,
  ]);
}

export async function savePullRequests(pool: Pool, repo: StoredRepository, pulls: PullRequestRow[], reviews: ReviewRow[]): Promise<number> {
  if (pulls.length === 0 && reviews.length === 0) return 0;
  await pool.query(sql.savePullRequests, [repo.enterprise, repo.repositoryId, JSON.stringify(pulls), JSON.stringify(reviews)]);
  return pulls.length + reviews.length;
}

/** Upserts one repository's records with a statement of ($1 enterprise, $2 repository id, $3 the records as JSON). */
async function saveRecords(pool: Pool, text: string, repo: StoredRepository, records: unknown[]): Promise<number> {
  if (records.length === 0) return 0;
  await pool.query(text, [repo.enterprise, repo.repositoryId, JSON.stringify(records)]);
  return records.length;
}

export function saveCommits(pool: Pool, repo: StoredRepository, commits: CommitRecord[]): Promise<number> {
  return saveRecords(pool, sql.saveCommits, repo, commits);
}

export function saveDeployments(pool: Pool, repo: StoredRepository, deployments: DeploymentRecord[]): Promise<number> {
  return saveRecords(pool, sql.saveDeployments, repo, deployments);
}

/** The deployments whose statuses are to be read (again) as of `now`, the run's clock. */
export async function deploymentsNeedingStatuses(pool: Pool, repo: StoredRepository, environments: string[], now: Date): Promise<number[]> {
  const result = await pool.query<{ deployment_id: number }>(sql.deploymentsNeedingStatuses, [
    repo.enterprise,
    repo.repositoryId,
    environments,
    now,
  ]);
  return result.rows.map((row) => row.deployment_id);
}

export async function saveDeploymentStatuses(
  pool: Pool,
  repo: StoredRepository,
  deploymentIds: number[],
  statuses: Array<DeploymentStatusRecord & { deploymentId: number }>,
): Promise<number> {
  if (deploymentIds.length === 0) return 0;
  await pool.query(sql.saveDeploymentStatuses, [repo.enterprise, repo.repositoryId, deploymentIds, JSON.stringify(statuses)]);
  return statuses.length;
}

export interface DeploymentToCompare {
  deploymentId: number;
  sha: string;
  previousDeploymentId: number | null;
  previousSha: string | null;
}

export async function deploymentsToCompare(pool: Pool, repo: StoredRepository, environments: string[]): Promise<DeploymentToCompare[]> {
  const result = await pool.query<{
    deployment_id: number;
    sha: string;
    previous_deployment_id: number | null;
    previous_sha: string | null;
  }>(sql.deploymentsToCompare, [repo.enterprise, repo.repositoryId, environments]);
  return result.rows.map((row) => ({
    deploymentId: row.deployment_id,
    sha: row.sha,
    previousDeploymentId: row.previous_deployment_id,
    previousSha: row.previous_sha,
  }));
}

export type CommitsStatus = "compared" | "first" | "base_missing" | "head_missing";

export async function saveDeploymentCommits(
  pool: Pool,
  repo: StoredRepository,
  deployment: DeploymentToCompare,
  status: CommitsStatus,
  commits: CommitRecord[],
): Promise<number> {
  await inTransaction(pool, async (client) => {
    await client.query(sql.deleteDeploymentCommits, [repo.enterprise, repo.repositoryId, deployment.deploymentId]);
    await client.query(sql.saveDeploymentCommits, [
      repo.enterprise,
      repo.repositoryId,
      deployment.deploymentId,
      deployment.previousDeploymentId,
      status,
      JSON.stringify(commits),
    ]);
  });
  return commits.length;
}

export function saveWorkflowRuns(pool: Pool, repo: StoredRepository, runs: WorkflowRunRecord[]): Promise<number> {
  return saveRecords(pool, sql.saveWorkflowRuns, repo, runs);
}

export function saveIncidents(pool: Pool, repo: StoredRepository, issues: IssueRecord[]): Promise<number> {
  return saveRecords(pool, sql.saveIncidents, repo, issues);
}
