import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseSettings } from "../../src/config/index.js";
import type { Pool } from "../../src/db/index.js";
import type { GitHubClient } from "../../src/github/index.js";
import { collectOrchestrator, createActivities, runLocally, type PipelineDependencies, type RunSummary } from "../../src/pipeline/index.js";
import { createFolderSink, datasets } from "../../src/publish/index.js";
import { createSecretSource } from "../../src/secrets/index.js";
import { fakeGitHubClient } from "../fakes/github-server.js";

export interface CollectionOptions {
  pool: Pool;
  githubUrl: string;
  enterprises: Array<{ slug: string; orgs: string[] }>;
  outputDir?: string;
  from?: string;
  to?: string;
  /** The run's "now"; the planner's today is its UTC day. */
  now?: Date;
  env?: Record<string, string>;
  runId?: string;
  /** Further dependencies of the activities (archive, telemetry). */
  dependencies?: Partial<PipelineDependencies>;
}

/** Runs the production orchestrator and activities in-process against a fake GitHub, with fast retries. */
export async function runCollection(options: CollectionOptions): Promise<RunSummary & { outputDir: string }> {
  const outputDir = options.outputDir ?? (await mkdtemp(path.join(tmpdir(), "metrics-out-")));
  const settings = parseSettings({ OUTPUT_DIR: outputDir, ...options.env });
  const clients = new Map<string, GitHubClient>();
  const activities = createActivities({
    pool: options.pool,
    settings,
    github: (slug) => {
      let client = clients.get(slug);
      if (client === undefined) {
        client = fakeGitHubClient(options.githubUrl, {
          apiVersion: settings.GITHUB_API_VERSION,
          throttleId: `test-${slug}-${Math.random()}`,
        });
        clients.set(slug, client);
      }
      return client;
    },
    sink: createFolderSink(outputDir),
    secrets: createSecretSource({ env: process.env }),
    download: { attempts: 3, backoffMs: 5 },
    ...options.dependencies,
  });
  const summary = await runLocally(
    collectOrchestrator,
    {
      runId: options.runId ?? `test-${Math.random().toString(36).slice(2, 10)}`,
      trigger: "cli",
      ...(options.from === undefined ? {} : { from: options.from }),
      ...(options.to === undefined ? {} : { to: options.to }),
      enterprises: options.enterprises,
      backfillDays: settings.BACKFILL_DAYS,
      repollDays: settings.REPOLL_DAYS,
      datasets: datasets.map((dataset) => dataset.name),
    },
    { activities, concurrency: 4, retryDelayScale: 0, ...(options.now === undefined ? {} : { now: () => options.now! }) },
  );
  return { ...summary, outputDir };
}
