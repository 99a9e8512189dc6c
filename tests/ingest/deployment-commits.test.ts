import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveDeploymentCommits } from "../../src/ingest/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const repo = { enterprise: "acme", repositoryId: 7 };
const commit = (sha: string) => ({
  sha,
  authorId: 1,
  authorLogin: "alice",
  authoredAt: "2026-11-02T08:00:00Z",
  committedAt: "2026-11-02T08:00:00Z",
});

async function links(database: TestDatabase): Promise<Array<[number, string, boolean]>> {
  const result = await database.pool.query({
    text: "select deployment_id::int, sha, shared from deployment_commits order by deployment_id, sha",
    rowMode: "array",
  });
  return result.rows as Array<[number, string, boolean]>;
}

describe("the commits a deployment shipped", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("marks a commit that several deployments shipped as shared on every link, and only that one", async () => {
    const deployment = (deploymentId: number) => ({ deploymentId, sha: "", previousDeploymentId: null, previousSha: null });
    await saveDeploymentCommits(database.pool, repo, deployment(1), "first", [commit("a"), commit("b")]);
    expect(await links(database)).toEqual([
      [1, "a", false],
      [1, "b", false],
    ]);

    // Another environment's deployment ships b again, with c.
    await saveDeploymentCommits(database.pool, repo, deployment(2), "compared", [commit("b"), commit("c")]);
    expect(await links(database)).toEqual([
      [1, "a", false],
      [1, "b", true],
      [2, "b", true],
      [2, "c", false],
    ]);

    // Saving deployment 2 again (a re-compare) gives the same links.
    await saveDeploymentCommits(database.pool, repo, deployment(2), "compared", [commit("b"), commit("c")]);
    expect(await links(database)).toEqual([
      [1, "a", false],
      [1, "b", true],
      [2, "b", true],
      [2, "c", false],
    ]);

    // Another repository's deployments share nothing with these.
    await saveDeploymentCommits(database.pool, { enterprise: "acme", repositoryId: 8 }, deployment(3), "first", [commit("a")]);
    expect((await links(database)).filter(([id]) => id === 3)).toEqual([[3, "a", false]]);
  });
});
