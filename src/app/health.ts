import type { EnterpriseConfig } from "../config/index.js";
import type { Pool } from "../db/index.js";
import { runStore } from "../runs/index.js";
import { redact } from "../telemetry/index.js";
import { reportSeries } from "../pipeline/index.js";

/** A day's run plus its slack: a source not collected for longer has missed a run (docs/operations.md). */
const staleAfterHours = 26;
const databaseTimeoutMs = 10_000;

interface SourceHealth {
  enterprise: string;
  organization: string;
  report: string;
  /** Newest report day collected (reports land up to two days late, so this lags by design). */
  newestDay: string | null;
  /**
   * When GitHub last answered for the source without a failure (with data, or with "not generated
   * yet"), and how long ago: a late report is GitHub's delay, a source not polled is ours.
   */
  polledAt: string | null;
  hoursSincePolled: number | null;
  stale: boolean;
}

export interface Health {
  status: "healthy" | "stale" | "unavailable";
  database: "reachable" | "unreachable";
  checkedAt: string;
  staleAfterHours: number;
  sources: SourceHealth[];
  lastRun: { runId: string; status: string; startedAt: string; finishedAt: string | null } | null;
  error?: string;
}

/**
 * GET /api/live, anonymous, for Azure's probes and the availability test: 200 as soon as the worker
 * has started and registered its functions (a bad setting stops that), and nothing else. It reads
 * neither the database nor a setting, so it tells a caller without the function key nothing about
 * the data, the enterprises or the configuration; /api/health says all that, behind the key.
 */
export function liveness(): { status: 200; body: string; headers: Record<string, string> } {
  return { status: 200, body: "ok", headers: { "content-type": "text/plain", "cache-control": "no-store" } };
}

/**
 * GET /api/health: the database answers, and every configured source (enterprise or organization ×
 * report series) was polled successfully within the last 26 hours. Anything else is a 503, so a
 * probe sees a timer that stopped firing, a source that keeps failing, and a database that is down.
 */
export async function checkHealth(
  openPool: () => Promise<Pool>,
  enterprises: readonly EnterpriseConfig[],
  now: Date,
): Promise<{ status: 200 | 503; jsonBody: Health }> {
  const base = { checkedAt: now.toISOString(), staleAfterHours, sources: [], lastRun: null };
  let health: Health;
  try {
    // Opening the pool is inside the limit too: a connect to an unreachable server may not time out.
    health = await withTimeout(
      openPool().then((pool) => read(pool, enterprises, now)),
      databaseTimeoutMs,
    );
  } catch (error) {
    health = {
      ...base,
      status: "unavailable",
      database: "unreachable",
      error: redact(error instanceof Error ? error.message : String(error)),
    };
  }
  return { status: health.status === "healthy" ? 200 : 503, jsonBody: health };
}

async function read(pool: Pool, enterprises: readonly EnterpriseConfig[], now: Date): Promise<Health> {
  const rows = await runStore.seriesPolled(
    pool,
    enterprises.map((enterprise) => enterprise.slug),
  );
  const found = new Map(rows.map((row) => [`${row.enterprise}/${row.organization}/${row.report}`, row]));
  const sources: SourceHealth[] = reportSeries(enterprises).map(({ enterprise, organization, series }) => {
    const source = { enterprise, organization, report: series.report };
    const row = found.get(`${source.enterprise}/${source.organization}/${source.report}`);
    const polledAt = row?.polled_at ?? null;
    const hours = polledAt === null ? null : Math.round(((now.getTime() - polledAt.getTime()) / 3_600_000) * 10) / 10;
    return {
      ...source,
      newestDay: row?.newest_day ?? null,
      polledAt: polledAt?.toISOString() ?? null,
      hoursSincePolled: hours,
      stale: hours === null || hours > staleAfterHours,
    };
  });
  const runs = await runStore.lastRuns(pool, 1);
  const run = runs[0];
  return {
    status: sources.some((source) => source.stale) ? "stale" : "healthy",
    database: "reachable",
    checkedAt: now.toISOString(),
    staleAfterHours,
    sources,
    lastRun:
      run === undefined
        ? null
        : {
            runId: run.run_id,
            status: run.status,
            startedAt: run.started_at.toISOString(),
            finishedAt: run.finished_at?.toISOString() ?? null,
          },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms / 1000} seconds`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
