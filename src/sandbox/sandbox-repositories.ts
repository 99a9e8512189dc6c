import { createHash } from "node:crypto";
import { addDays } from "../days.js";
import { sandboxEnterprises, itemAt, members, pick, repositoryNames, userId } from "./sandbox-tenants.js";
import type { FakeCommit, FakeDeployment, FakePullRequest, FakeRepository, FakeRepositoryData } from "./repository-model.js";
import { repositoryRoutes } from "./repository-routes.js";
import type { ExtraRoute } from "./github-server.js";
import { sandboxBillingRoutes } from "./sandbox-billing.js";

// Repository activity of the sandbox organizations over the last six weeks: merged pull requests
// with reviews, a production deployment every few days (one of them failed), and an incident, so
// that `npm start` shows DORA and velocity figures. Deterministic for a given day.

function sha(seed: string): string {
  return createHash("sha1").update(seed).digest("hex");
}

function at(day: string, hour: number): string {
  return `${day}T${String(hour).padStart(2, "0")}:00:00Z`;
}

function repository(org: string, name: string, today: string, id: number): FakeRepository {
  const people = members[org] ?? [];
  const user = (login: string) => ({ id: userId(login), login });
  const commits: FakeCommit[] = [];
  const pulls: FakePullRequest[] = [];
  const deployments: FakeDeployment[] = [];
  let head = sha(`${org}/${name}:root`);
  commits.push({
    sha: head,
    parents: [],
    author: user(itemAt(people, 0)),
    authoredAt: at(addDays(today, -60), 9),
    committedAt: at(addDays(today, -60), 9),
  });
  for (let number = 1; number <= 24; number++) {
    const opened = addDays(today, -42 + Math.floor(number * 1.6));
    const author = pick(people, `author:${org}/${name}:${number}`);
    const reviewer = people.find((login) => login !== author) ?? author;
    const work = sha(`${org}/${name}:${number}:work`);
    commits.push({ sha: work, parents: [head], author: user(author), authoredAt: at(opened, 9), committedAt: at(opened, 9) });
    const merged = addDays(opened, 1);
    const mergeSha = sha(`${org}/${name}:${number}:merge`);
    commits.push({ sha: mergeSha, parents: [head, work], author: user(author), authoredAt: at(merged, 15), committedAt: at(merged, 15) });
    head = mergeSha;
    pulls.push({
      // Every 11th undoes the one before, as GitHub's revert button names it: branch and title.
      ...(number % 11 === 0
        ? { title: `Revert "Change ${number - 1}"`, head: `revert-${number - 1}-feature-${number - 1}` }
        : { title: `Change ${number}`, head: `feature-${number}` }),
      number,
      user: user(author),
      base: "main",
      state: "closed",
      createdAt: at(opened, 10),
      updatedAt: at(merged, 15),
      closedAt: at(merged, 15),
      mergedAt: at(merged, 15),
      mergeCommitSha: mergeSha,
      additions: 10 + number * 3,
      deletions: number,
      commits: [work],
      reviews: [{ id: id * 1000 + number, user: user(reviewer), state: "APPROVED", submittedAt: at(merged, 11) }],
    });
    if (number % 3 === 0) {
      const failed = number === 12;
      deployments.push({
        id: id * 1000 + number,
        sha: mergeSha,
        ref: "main",
        environment: "production",
        createdAt: at(merged, 17),
        statuses: [{ id: id * 10_000 + number, state: failed ? "failure" : "success", createdAt: at(merged, 18) }],
      });
    }
  }
  const incidentDay = addDays(today, -20);
  return {
    id,
    owner: org,
    name,
    defaultBranch: "main",
    createdAt: at(addDays(today, -60), 9),
    head,
    commits,
    pulls,
    deployments,
    runs: [],
    issues: [
      {
        number: 500,
        title: "Checkout errors after release",
        labels: ["incident"],
        state: "closed",
        createdAt: at(incidentDay, 19),
        updatedAt: at(addDays(incidentDay, 1), 8),
        closedAt: at(addDays(incidentDay, 1), 8),
      },
    ],
  };
}

/** The repository endpoints of the sandbox organizations as of `today`, and the billing endpoints (src/sandbox/sandbox-billing.ts). */
export function sandboxRepositoryRoutes(today: string): ExtraRoute[] {
  let id = 1;
  const data: FakeRepositoryData = {
    repositories: sandboxEnterprises.flatMap((enterprise) =>
      enterprise.orgs.flatMap((org) => (repositoryNames[org] ?? []).map((name) => repository(org, name, today, id++))),
    ),
  };
  return [...repositoryRoutes(data).routes, ...sandboxBillingRoutes()];
}
