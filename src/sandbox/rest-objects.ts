import { createHash } from "node:crypto";
import type { FakeWorkflowRun } from "./repository-model.js";

// GitHub's REST objects in the shapes its OpenAPI description (ghec.json) requires, one builder per
// schema, for the sandbox and the test fakes. Only what the description requires or the collector
// reads is filled in; URLs follow api.github.com's patterns. Nothing the 2026-03-10 API version
// removed is served (`has_downloads`, `use_squash_pr_title_as_default`, an issue's `assignee`).

const api = "https://api.github.com";
const web = "https://github.com";

/** A stable positive id for a name that has none in the model (an organization owning repositories). */
function stableId(text: string): number {
  return 1_000_000 + (createHash("sha1").update(text).digest().readUInt32BE(0) % 9_000_000);
}

/** A user, bot or organization as the `simple-user` schema has it. */
export function simpleUser(login: string, id: number, type: "User" | "Bot" | "Organization" = login.endsWith("[bot]") ? "Bot" : "User") {
  const url = `${api}/users/${login}`;
  return {
    login,
    id,
    node_id: `U_sandbox${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `${web}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

export interface RepositoryFacts {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  archived: boolean;
  createdAt: string;
  pushedAt: string;
}

function repositoryUrl(owner: string, name: string): string {
  return `${api}/repos/${owner}/${name}`;
}

/** A repository as the `minimal-repository` schema has it (what `GET /orgs/{org}/repos` lists). */
export function minimalRepository(repo: RepositoryFacts) {
  const url = repositoryUrl(repo.owner, repo.name);
  return {
    id: repo.id,
    node_id: `R_sandbox${repo.id}`,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: simpleUser(repo.owner, stableId(repo.owner), "Organization"),
    private: true,
    html_url: `${web}/${repo.owner}/${repo.name}`,
    description: null,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    default_branch: repo.defaultBranch,
    archived: repo.archived,
    visibility: "private",
    created_at: repo.createdAt,
    pushed_at: repo.pushedAt,
    updated_at: repo.pushedAt,
  };
}

export interface CommitFacts {
  sha: string;
  parents: string[];
  author: { id: number; login: string } | null;
  authoredAt: string;
  committedAt: string;
}

/** A commit as the `commit` schema has it; `author` is the GitHub account the author email maps to. */
export function commit(owner: string, name: string, facts: CommitFacts) {
  const url = repositoryUrl(owner, name);
  const gitAuthor = facts.author?.login ?? "someone";
  return {
    url: `${url}/commits/${facts.sha}`,
    sha: facts.sha,
    node_id: `C_sandbox${facts.sha}`,
    html_url: `${web}/${owner}/${name}/commit/${facts.sha}`,
    comments_url: `${url}/commits/${facts.sha}/comments`,
    commit: {
      url: `${url}/git/commits/${facts.sha}`,
      author: { name: gitAuthor, email: `${gitAuthor}@users.noreply.github.com`, date: facts.authoredAt },
      committer: { name: "GitHub", email: "noreply@github.com", date: facts.committedAt },
      message: `commit ${facts.sha}`,
      comment_count: 0,
      tree: { sha: `tree-${facts.sha}`, url: `${url}/git/trees/tree-${facts.sha}` },
    },
    author: facts.author === null ? null : simpleUser(facts.author.login, facts.author.id),
    committer: null,
    parents: facts.parents.map((sha) => ({ sha, url: `${url}/commits/${sha}`, html_url: `${web}/${owner}/${name}/commit/${sha}` })),
  };
}

/** A comparison as the `commit-comparison` schema has it, `commits` being one page of them. */
export function commitComparison(
  owner: string,
  name: string,
  facts: {
    base: ReturnType<typeof commit>;
    mergeBase: ReturnType<typeof commit>;
    head: string;
    status: "diverged" | "ahead" | "behind" | "identical";
    aheadBy: number;
    behindBy: number;
  },
  commits: unknown[],
) {
  const basehead = `${facts.base.sha}...${facts.head}`;
  return {
    url: `${repositoryUrl(owner, name)}/compare/${basehead}`,
    html_url: `${web}/${owner}/${name}/compare/${basehead}`,
    permalink_url: `${web}/${owner}/${name}/compare/${owner}:${basehead}`,
    diff_url: `${web}/${owner}/${name}/compare/${basehead}.diff`,
    patch_url: `${web}/${owner}/${name}/compare/${basehead}.patch`,
    base_commit: facts.base,
    merge_base_commit: facts.mergeBase,
    status: facts.status,
    ahead_by: facts.aheadBy,
    behind_by: facts.behindBy,
    total_commits: facts.aheadBy,
    commits,
    files: [],
  };
}

/** The account that creates the model's deployments and their statuses. */
const deployer = { id: 1, login: "deployer" };

/** A deployment as the `deployment` schema has it. */
export function deployment(
  owner: string,
  name: string,
  facts: { id: number; sha: string; ref: string; environment: string; createdAt: string; updatedAt: string },
) {
  const repository = repositoryUrl(owner, name);
  const url = `${repository}/deployments/${facts.id}`;
  return {
    url,
    id: facts.id,
    node_id: `DE_sandbox${facts.id}`,
    sha: facts.sha,
    ref: facts.ref,
    task: "deploy",
    payload: {},
    original_environment: facts.environment,
    environment: facts.environment,
    description: null,
    creator: simpleUser(deployer.login, deployer.id),
    created_at: facts.createdAt,
    updated_at: facts.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: repository,
    transient_environment: false,
    production_environment: facts.environment === "production",
  };
}

/** A deployment status as the `deployment-status` schema has it. */
export function deploymentStatus(
  owner: string,
  name: string,
  deploymentId: number,
  facts: { id: number; state: string; createdAt: string },
) {
  const repository = repositoryUrl(owner, name);
  const deploymentUrl = `${repository}/deployments/${deploymentId}`;
  return {
    url: `${deploymentUrl}/statuses/${facts.id}`,
    id: facts.id,
    node_id: `DES_sandbox${facts.id}`,
    state: facts.state,
    creator: simpleUser(deployer.login, deployer.id),
    description: "",
    environment: "",
    target_url: "",
    log_url: "",
    environment_url: "",
    created_at: facts.createdAt,
    updated_at: facts.createdAt,
    deployment_url: deploymentUrl,
    repository_url: repository,
  };
}

/** The account that opens the model's issues. */
const reporter = { id: 5, login: "reporter" };

/** An issue (or a pull request, which the issues endpoint lists too) as the `issue` schema has it. */
export function issue(
  owner: string,
  name: string,
  facts: {
    number: number;
    title: string;
    labels: string[];
    state: "open" | "closed";
    createdAt: string;
    updatedAt: string;
    closedAt: string | null;
    isPullRequest: boolean;
  },
) {
  const repository = repositoryUrl(owner, name);
  const url = `${repository}/issues/${facts.number}`;
  const id = 90_000 + facts.number;
  return {
    id,
    node_id: `I_sandbox${id}`,
    url,
    repository_url: repository,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${web}/${owner}/${name}/${facts.isPullRequest ? "pull" : "issues"}/${facts.number}`,
    number: facts.number,
    state: facts.state,
    title: facts.title,
    body: null,
    user: simpleUser(reporter.login, reporter.id),
    labels: facts.labels.map((label) => {
      const labelId = stableId(`${owner}/${name}:${label}`);
      return {
        id: labelId,
        node_id: `LA_sandbox${labelId}`,
        url: `${repository}/labels/${encodeURIComponent(label)}`,
        name: label,
        description: null,
        color: "d73a4a",
        default: false,
      };
    }),
    assignees: [],
    milestone: null,
    locked: false,
    comments: 0,
    closed_at: facts.closedAt,
    created_at: facts.createdAt,
    updated_at: facts.updatedAt,
    author_association: "MEMBER",
    ...(facts.isPullRequest
      ? {
          pull_request: {
            url: `${repository}/pulls/${facts.number}`,
            html_url: `${web}/${owner}/${name}/pull/${facts.number}`,
            diff_url: `${web}/${owner}/${name}/pull/${facts.number}.diff`,
            patch_url: `${web}/${owner}/${name}/pull/${facts.number}.patch`,
          },
        }
      : {}),
  };
}

/** A workflow run as the `workflow-run` schema has it; `repository` is the run's repository. */
export function workflowRun(repository: RepositoryFacts, facts: FakeWorkflowRun) {
  const repositoryApi = repositoryUrl(repository.owner, repository.name);
  const url = `${repositoryApi}/actions/runs/${facts.id}`;
  const minimal = minimalRepository(repository);
  return {
    id: facts.id,
    name: facts.name,
    node_id: `WFR_sandbox${facts.id}`,
    head_branch: facts.headBranch,
    head_sha: facts.headSha,
    path: facts.path,
    display_title: facts.name,
    run_number: facts.id,
    run_attempt: 1,
    event: facts.event,
    status: facts.status,
    conclusion: facts.conclusion,
    workflow_id: facts.workflowId,
    url,
    html_url: `${web}/${repository.owner}/${repository.name}/actions/runs/${facts.id}`,
    // Listed with exclude_pull_requests=true, as the collector asks: GitHub then answers an empty list.
    pull_requests: [],
    created_at: facts.createdAt,
    updated_at: facts.updatedAt,
    run_started_at: facts.createdAt,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repositoryApi}/check-suites/${facts.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    workflow_url: `${repositoryApi}/actions/workflows/${facts.workflowId}`,
    head_commit: {
      id: facts.headSha,
      tree_id: `tree-${facts.headSha}`,
      message: `commit ${facts.headSha}`,
      timestamp: facts.createdAt,
      author: { name: "someone", email: "someone@users.noreply.github.com" },
      committer: { name: "GitHub", email: "noreply@github.com" },
    },
    repository: minimal,
    head_repository: minimal,
  };
}
