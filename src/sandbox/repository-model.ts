// The in-memory model of GitHub repositories that the sandbox's repository routes and GraphQL
// answer from (repository-routes.ts, repository-graphql.ts); a test builds one and changes it
// between runs.

export interface FakeUser {
  id: number;
  login: string;
}

export interface FakeCommit {
  sha: string;
  parents: string[];
  author: FakeUser | null;
  authoredAt: string;
  committedAt: string;
}

export interface FakeReview {
  id: number;
  user: FakeUser | null;
  state: string;
  submittedAt: string;
}

export interface FakePullRequest {
  number: number;
  user: FakeUser | null;
  title: string;
  head: string;
  base: string;
  state: "open" | "closed";
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  mergedAt?: string;
  /** Served as GraphQL's `mergeCommit.oid` only: API version 2026-03-10 has no `merge_commit_sha`. */
  mergeCommitSha?: string;
  additions?: number;
  deletions?: number;
  /** The pull request's commits, oldest first. */
  commits?: string[];
  reviews?: FakeReview[];
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  createdAt: string;
  statuses: Array<{ id: number; state: string; createdAt: string }>;
}

export interface FakeWorkflowRun {
  id: number;
  workflowId: number;
  name: string;
  path: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: string;
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
}

interface FakeIssue {
  number: number;
  title: string;
  labels: string[];
  state: "open" | "closed";
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  /** The issues endpoint lists pull requests too. */
  isPullRequest?: boolean;
}

export interface FakeRepository {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  archived?: boolean;
  createdAt: string;
  /** When someone last pushed (GitHub's pushed_at); the creation time if never set. */
  pushedAt?: string;
  /** Still in the organization's list, but its own endpoints answer 404 (deleted or hidden since). */
  gone?: boolean;
  /** Not in the organization's list any more. */
  unlisted?: boolean;
  /** The default branch's head; no head: an empty repository (409 on commits). */
  head?: string;
  /** Every commit GitHub knows in the repository, on the branch or not (force-pushed ones too). */
  commits: FakeCommit[];
  pulls: FakePullRequest[];
  deployments: FakeDeployment[];
  runs: FakeWorkflowRun[];
  issues: FakeIssue[];
}

export interface FakeRepositoryData {
  repositories: FakeRepository[];
  /** GraphQL points an hour (GitHub's default for a user: 5,000). */
  graphqlPointLimit?: number;
}
