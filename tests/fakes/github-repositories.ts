import type { FakeCommit, FakePullRequest, FakeRepository, FakeUser } from "../../src/sandbox/repository-model.js";

// The repository endpoints of the GitHub fake are the sandbox's (src/sandbox/repository-routes.ts);
// these helpers build the small histories the tests read.
export type { FakeRepositoryData, FakeWorkflowRun } from "../../src/sandbox/repository-model.js";
export { repositoryRoutes, type ServedRequest } from "../../src/sandbox/repository-routes.js";

export const people = {
  alice: { id: 1, login: "alice" },
  bob: { id: 2, login: "bob" },
  carol: { id: 3, login: "carol" },
} satisfies Record<string, FakeUser>;

/** `count` commits in a line after `parent`, `stepMinutes` apart from `start`; shas `${prefix}1`, `${prefix}2`, … */
export function commitLine(
  prefix: string,
  count: number,
  start: string,
  stepMinutes: number,
  author: FakeUser | null,
  parent?: string,
): FakeCommit[] {
  const commits: FakeCommit[] = [];
  let previous = parent;
  for (let index = 1; index <= count; index++) {
    const at = new Date(Date.parse(start) + (index - 1) * stepMinutes * 60_000).toISOString().replace(".000Z", "Z");
    const sha = `${prefix}${index}`;
    commits.push({ sha, parents: previous === undefined ? [] : [previous], author, authoredAt: at, committedAt: at });
    previous = sha;
  }
  return commits;
}

export function repository(owner: string, name: string, id: number, parts: Partial<FakeRepository> = {}): FakeRepository {
  return {
    id,
    owner,
    name,
    defaultBranch: "main",
    createdAt: "2026-01-01T00:00:00Z",
    commits: [],
    pulls: [],
    deployments: [],
    runs: [],
    issues: [],
    ...parts,
  };
}

/** A closed, unmerged pull request updated at `updatedAt`. */
export function closedPull(number: number, updatedAt: string, user: FakeUser = people.alice): FakePullRequest {
  return {
    number,
    user,
    title: `Change ${number}`,
    head: `change-${number}`,
    base: "main",
    state: "closed",
    createdAt: updatedAt,
    updatedAt,
    closedAt: updatedAt,
  };
}
