import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TokenCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets } from "../../src/publish/datasets.js";
import { createFolderSink } from "../../src/publish/folder-sink.js";
import { publishDataset } from "../../src/publish/publish-dataset.js";
import { createSharePointSink } from "../../src/publish/sharepoint-sink.js";
import { sandboxEnterprises, sandboxReports } from "../../src/sandbox/sandbox-data.js";
import { fakeToken, startGitHubServer, type GitHubServer } from "../fakes/github-server.js";
import { startGraphServer, type GraphServer } from "../fakes/graph-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";
import { listFiles } from "./seed.js";

const now = new Date("2026-11-03T06:00:00Z");
const enterprises = sandboxEnterprises.map((enterprise) => ({ slug: enterprise.slug, orgs: [...enterprise.orgs] }));
const folder = "Copilot Metrics";
const partitioned = datasets.filter((dataset) => dataset.partition === "month").map((dataset) => dataset.name);

describe("a run publishing to SharePoint through Microsoft Graph", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  let graph: GraphServer;
  let local: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startGitHubServer({ reports: sandboxReports("2026-11-03"), token: fakeToken });
    graph = await startGraphServer();
    local = await mkdtemp(path.join(tmpdir(), "sharepoint-publish-"));
  });
  afterAll(async () => {
    await Promise.all([github.close(), graph.close()]);
    await database.drop();
    await rm(local, { recursive: true, force: true });
  });

  const credential: TokenCredential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3600e3 }) };
  const sink = () =>
    createSharePointSink({
      graphApiUrl: graph.url,
      driveId: graph.driveId,
      folder,
      // Files above 4 KiB go through an upload session: the user partitions do, copilot_metrics does not.
      simpleUploadMaxBytes: 4096,
      credential,
      retry: { sleep: async () => undefined },
    });
  const collect = (runId: string) =>
    // OUTPUT_DIR stays empty: the SharePoint sink replaces the folder sink.
    runCollection({
      pool: database.pool,
      githubUrl: github.url,
      enterprises,
      from: "2026-10-30",
      to: "2026-11-01",
      now,
      runId,
      outputDir: local,
      dependencies: { sink: sink() },
    });

  it("lands every dataset's files with the bytes the folder sink writes, and a second run rewrites no partition", async () => {
    const first = await collect("sharepoint-run-1");

    expect(first.publish.filter((result) => !result.ok)).toEqual([]);
    const uploads = graph.requests.filter((request) => request.kind === "content" || request.kind === "createUploadSession");
    expect(new Set(uploads.map((request) => request.kind))).toEqual(new Set(["content", "createUploadSession"]));
    expect(uploads.every((request) => request.conflictBehavior === "replace")).toBe(true);

    // The same datasets published to a local folder from the same tables: the same paths, the same bytes.
    for (const dataset of datasets) {
      await publishDataset(database.pool, createFolderSink(local), dataset.name, {
        runId: "sharepoint-run-1",
        day: "2026-11-03",
        format: { decimalSeparator: "." },
        userIdentity: async () => ({ mode: "login" }),
        retentionMonths: 13,
        snapshots: false,
      });
    }
    const localFiles = await listFiles(local);
    const remoteFiles = [...graph.files.keys()].map((file) => file.slice(folder.length + 1)).sort();
    expect(remoteFiles).toEqual(localFiles);
    expect(localFiles).toEqual(
      expect.arrayContaining([
        "copilot_metrics.csv",
        "collection_runs.csv",
        "copilot_breakdown/copilot_breakdown_202610.csv",
        "copilot_breakdown/copilot_breakdown_202611.csv",
        "copilot_user_metrics/copilot_user_metrics_202610.csv",
        "copilot_user_metrics/copilot_user_metrics_202611.csv",
      ]),
    );
    for (const file of localFiles.filter((name) => name !== "collection_runs.csv")) {
      const [remote, mine] = [graph.files.get(`${folder}/${file}`)!, await readFile(path.join(local, file))];
      expect({ file, equal: remote.equals(mine), size: remote.length }).toEqual({ file, equal: true, size: mine.length });
    }
    const userPartition = graph.files.get(`${folder}/copilot_user_metrics/copilot_user_metrics_202610.csv`)!;
    expect(userPartition.length).toBeGreaterThan(4096);

    const before = graph.requests.length;
    const second = await collect("sharepoint-run-2");

    expect(second.publish.filter((result) => !result.ok)).toEqual([]);
    const rewritten = graph.requests
      .slice(before)
      .filter(
        (request) =>
          (request.kind === "content" || request.kind === "createUploadSession") &&
          partitioned.some((name) => request.path.startsWith(`${folder}/${name}/`)),
      );
    expect(rewritten).toEqual([]);
    const skipped = Object.fromEntries(
      second.publish.flatMap((result) => (result.ok && result.skipped > 0 ? [[result.dataset, result.skipped]] : [])),
    );
    expect(skipped).toMatchObject({ copilot_breakdown: 2, copilot_user_metrics: 2 });
    const runs = await database.pool.query("select run_id, publish_status from collection_runs order by run_id");
    expect(runs.rows).toEqual([
      { run_id: "sharepoint-run-1", publish_status: "succeeded" },
      { run_id: "sharepoint-run-2", publish_status: "succeeded" },
    ]);
  });
});
