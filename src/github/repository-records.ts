import { z } from "zod";

// GitHub's JSON for the repository endpoints (reference §4), parsed and mapped to the rows we keep.
// The schemas name the fields we read; GitHub adds fields, so the rest is ignored.

const timestamp = z.iso.datetime({ offset: true });
// A person: only authors and reviewers are kept, by id (survives a login change) and login.
const account = z.object({ id: z.number().int(), login: z.string() }).nullable().optional();
const userId = (user: z.infer<typeof account>) => user?.id ?? null;
const login = (user: z.infer<typeof account>) => user?.login ?? null;

export const repositoryItem = z
  .object({
    id: z.number().int(),
    name: z.string(),
    owner: z.object({ login: z.string() }),
    default_branch: z.string().nullable().optional(),
    archived: z.boolean().default(false),
    fork: z.boolean().default(false),
    visibility: z.string().nullable().optional(),
    created_at: timestamp.nullable().optional(),
    pushed_at: timestamp.nullable().optional(),
  })
  .transform((repo) => ({
    repositoryId: repo.id,
    organization: repo.owner.login,
    name: repo.name,
    defaultBranch: repo.default_branch ?? null,
    archived: repo.archived,
    fork: repo.fork,
    visibility: repo.visibility ?? null,
    createdAt: repo.created_at ?? null,
    pushedAt: repo.pushed_at ?? null,
  }));
export type RepositoryRecord = z.output<typeof repositoryItem>;

/** A pull request as stored; GitHub's GraphQL answer is mapped to it in pull-requests-graphql.ts. */
export interface PullRequestItem {
  number: number;
  pullRequestId: number;
  authorId: number | null;
  authorLogin: string | null;
  title: string;
  headRef: string;
  baseRef: string;
  draft: boolean;
  state: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  /** The merge commit of a merged pull request (GraphQL `mergeCommit.oid`); null otherwise. */
  mergeCommitSha: string | null;
}

export const commitItem = z
  .object({
    sha: z.string(),
    commit: z.object({
      author: z.object({ date: timestamp.optional() }).nullable().optional(),
      committer: z.object({ date: timestamp.optional() }).nullable().optional(),
    }),
    author: account,
  })
  .transform((commit, context) => {
    const authoredAt = commit.commit.author?.date ?? commit.commit.committer?.date;
    const committedAt = commit.commit.committer?.date ?? authoredAt;
    if (authoredAt === undefined || committedAt === undefined) {
      context.addIssue({ code: "custom", message: `commit ${commit.sha} has neither an author nor a committer date` });
      return z.NEVER;
    }
    return { sha: commit.sha, authorId: userId(commit.author), authorLogin: login(commit.author), authoredAt, committedAt };
  });
const commitList = z.array(commitItem);
export type CommitRecord = z.output<typeof commitItem>;

export interface ReviewRecord {
  reviewId: number;
  reviewerId: number | null;
  reviewerLogin: string | null;
  state: string;
  submittedAt: string | null;
}

export const deploymentItem = z
  .object({
    id: z.number().int(),
    sha: z.string(),
    ref: z.string().nullable().optional(),
    task: z.string().nullable().optional(),
    environment: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .transform((deployment) => ({
    deploymentId: deployment.id,
    sha: deployment.sha,
    ref: deployment.ref ?? null,
    task: deployment.task ?? null,
    environment: deployment.environment,
    createdAt: deployment.created_at,
    updatedAt: deployment.updated_at,
  }));
export type DeploymentRecord = z.output<typeof deploymentItem>;

export const deploymentStatusItem = z
  .object({ id: z.number().int(), state: z.string(), created_at: timestamp })
  .transform((status) => ({ statusId: status.id, state: status.state, createdAt: status.created_at }));
export type DeploymentStatusRecord = z.output<typeof deploymentStatusItem>;

const workflowRunItem = z
  .object({
    id: z.number().int(),
    workflow_id: z.number().int(),
    name: z.string().nullable().optional(),
    path: z.string().nullable().optional(),
    head_branch: z.string().nullable().optional(),
    head_sha: z.string(),
    event: z.string(),
    status: z.string().nullable().optional(),
    conclusion: z.string().nullable().optional(),
    run_attempt: z.number().int().optional(),
    created_at: timestamp,
    updated_at: timestamp,
    run_started_at: timestamp.nullable().optional(),
  })
  .transform((run) => ({
    runId: run.id,
    workflowId: run.workflow_id,
    name: run.name ?? null,
    path: run.path ?? null,
    headBranch: run.head_branch ?? null,
    headSha: run.head_sha,
    event: run.event,
    status: run.status ?? null,
    conclusion: run.conclusion ?? null,
    runAttempt: run.run_attempt ?? null,
    createdAt: run.created_at,
    updatedAt: run.updated_at,
    runStartedAt: run.run_started_at ?? null,
  }));
export const workflowRunPage = z.object({ total_count: z.number().int(), workflow_runs: z.array(workflowRunItem) });
export type WorkflowRunRecord = z.output<typeof workflowRunItem>;

export const issueItem = z
  .object({
    id: z.number().int(),
    number: z.number().int(),
    title: z.string(),
    state: z.string(),
    labels: z.array(z.union([z.string(), z.object({ name: z.string() })])),
    created_at: timestamp,
    updated_at: timestamp,
    closed_at: timestamp.nullable().optional(),
    // The issues endpoint lists pull requests too; they carry this key (reference §4.1).
    pull_request: z.unknown().optional(),
  })
  .transform((issue) => ({
    issueNumber: issue.number,
    issueId: issue.id,
    title: issue.title,
    labels: issue.labels.map((label) => (typeof label === "string" ? label : label.name)),
    state: issue.state,
    createdAt: issue.created_at,
    updatedAt: issue.updated_at,
    closedAt: issue.closed_at ?? null,
    isPullRequest: issue.pull_request !== undefined,
  }));
export type IssueRecord = z.output<typeof issueItem>;

export const comparison = z.object({
  status: z.enum(["ahead", "behind", "identical", "diverged"]),
  commits: commitList,
});
