import type { Settings } from "../../config/index.js";
import type { Pool } from "../../db/index.js";
import { organizationRepositories, rateBudget, type GitHubClient, type RepositoryRecord } from "../../github/index.js";
import { saveRepositories, shardRepositories } from "../../ingest/index.js";
import { runStore } from "../../runs/index.js";
import { telemetryMetrics, type Telemetry } from "../../telemetry/index.js";
import { summarize } from "../error-summary.js";
import {
  shardCount,
  shardLabel,
  type CollectionResult,
  type OrganizationInput,
  type RepositoryListResult,
  type RepositoryShard,
} from "../repository-shards.js";
import { isStop, ShardTimeUpError, syncRepository, type RepositorySyncContext } from "../repository-sync.js";

export interface RepositoryDependencies {
  pool: Pool;
  settings: Settings;
  github: (enterprise: string) => GitHubClient;
  telemetry?: Telemetry;
  /** How long one shard may run before it hands the rest to the next run (default 8 minutes). */
  shardTimeMs?: number;
  now?: () => Date;
}

const defaultShardTimeMs = 8 * 60 * 1000;

/**
 * Lists an organization's repositories (all pages) and saves them; returns how many shards the
 * repositories to sync make. A listing cut short saves nothing: a partial list would mark the
 * rest of the organization's repositories as gone.
 */
export function listRepositories(deps: RepositoryDependencies) {
  return async ({ enterprise, organization, runId }: OrganizationInput): Promise<RepositoryListResult> => {
    const client = deps.github(enterprise);
    try {
      const budget = rateBudget(client, deps.settings.RATE_LIMIT_FLOOR_PERCENT);
      const listed: RepositoryRecord[] = [];
      for await (const page of organizationRepositories(client, budget, organization)) listed.push(...page);
      const saved = await saveRepositories(deps.pool, enterprise, organization, listed, {
        includeArchived: deps.settings.INCLUDE_ARCHIVED,
        listedAt: (deps.now ?? (() => new Date()))(),
      });
      return { ok: true, status: "ok", records: listed.length, repositories: saved.active, shards: shardCount(saved.active) };
    } catch (error) {
      if (isStop(error)) return { ok: true, status: "pending", records: 0, repositories: 0, shards: 0 };
      return { ok: false, error: summarize(error) };
    } finally {
      await recordRateLimitPeak(deps, runId, enterprise, client);
    }
  };
}

/**
 * Syncs the repositories of one shard, least recently synced first, until they are done, the rate
 * budget reaches its floor or the shard's time is up; what is left waits for the next run
 * (status "pending"). One repository's failure is recorded on it and the shard goes on.
 */
export function syncRepositories(deps: RepositoryDependencies) {
  return async (shard: RepositoryShard): Promise<CollectionResult> => {
    const client = deps.github(shard.enterprise);
    const now = (deps.now ?? (() => new Date()))();
    const started = Date.now();
    const limitMs = deps.shardTimeMs ?? defaultShardTimeMs;
    const context: RepositorySyncContext = {
      pool: deps.pool,
      client,
      budget: rateBudget(client, deps.settings.RATE_LIMIT_FLOOR_PERCENT),
      enterprise: shard.enterprise,
      organization: shard.organization,
      runId: shard.runId,
      now,
      horizon: new Date(now.getTime() - deps.settings.REPOSITORY_BACKFILL_DAYS * 24 * 60 * 60 * 1000),
      environments: deps.settings.DORA_ENVIRONMENTS.map((environment) => environment.toLowerCase()),
      incidentLabels: deps.settings.INCIDENT_LABELS,
      checkTime: () => {
        if (Date.now() - started > limitMs) throw new ShardTimeUpError(Math.round((Date.now() - started) / 1000));
      },
    };
    let records = 0;
    const failed: string[] = [];
    try {
      const repositories = await shardRepositories(deps.pool, shard.enterprise, shard.organization, shard.shard, shard.shards);
      for (const [index, repository] of repositories.entries()) {
        try {
          const outcome = await syncRepository(context, repository);
          records += outcome.records;
          if (outcome.status === "failed") failed.push(`${shard.organization}/${repository.name}: ${outcome.error}`);
        } catch (error) {
          if (!isStop(error)) throw error;
          const left = repositories.length - index;
          return {
            ok: true,
            status: "pending",
            records,
            warning: `${shardLabel(shard)}: ${left} repositories left for the next run (${error.message})`,
          };
        }
      }
    } catch (error) {
      return { ok: false, error: summarize(error) };
    } finally {
      await recordRateLimitPeak(deps, shard.runId, shard.enterprise, client);
    }
    if (failed.length > 0) {
      return {
        ok: false,
        error: { errorClass: "RepositorySyncError", message: `${failed.length} repositories failed; ${failed.slice(0, 3).join(" | ")}` },
      };
    }
    return { ok: true, status: "ok", records };
  };
}

/**
 * The highest share of the rate limit the enterprise's token used in the current rate-limit window,
 * on the run's audit row (the greatest over every activity) and as the github.ratelimit.used_percent metric.
 */
export async function recordRateLimitPeak(
  deps: { pool: Pool; telemetry?: Telemetry },
  runId: string | undefined,
  enterprise: string,
  client: GitHubClient,
): Promise<void> {
  const percent = client.peakRateLimitUsedPercent();
  const telemetry = runId === undefined ? deps.telemetry : deps.telemetry?.withOperation(runId);
  telemetry?.metric(telemetryMetrics.rateLimitUsedPercent, percent, { enterprise });
  if (runId === undefined) return;
  // Runs in `finally`: the unit's own outcome is what counts, so a lost audit figure must not
  // replace it (the next activity of the run writes the peak again).
  await runStore.recordRateLimitPeak(deps.pool, runId, percent).catch(() => undefined);
}
