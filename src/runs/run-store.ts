import { inTransaction, sqlFile, type Pool } from "../db/index.js";

// The run bookkeeping: each run's audit row (collection_runs), the process running it
// (run_processes), its stored plan (run_plan_units), and each collected day's checkpoint
// (sync_checkpoints), which the planner reads to know what is due.

const sql = {
  startRun: sqlFile(import.meta.url, "start-run.sql"),
  finishRun: sqlFile(import.meta.url, "finish-run.sql"),
  runFreshness: sqlFile(import.meta.url, "run-freshness.sql"),
  recordRateLimitPeak: sqlFile(import.meta.url, "record-rate-limit-peak.sql"),
  lastRuns: sqlFile(import.meta.url, "last-runs.sql"),
  recordCheckpoints: sqlFile(import.meta.url, "record-checkpoints.sql"),
  seriesEverCollected: sqlFile(import.meta.url, "series-ever-collected.sql"),
  checkpointsOfEnterprises: sqlFile(import.meta.url, "checkpoints-of-enterprises.sql"),
  seriesStatus: sqlFile(import.meta.url, "series-status.sql"),
  seriesPolled: sqlFile(import.meta.url, "series-polled.sql"),
  failedDays: sqlFile(import.meta.url, "failed-days.sql"),
  dropStalePlans: sqlFile(import.meta.url, "drop-stale-plans.sql"),
  storePlan: sqlFile(import.meta.url, "store-plan.sql"),
  plannedUnit: sqlFile(import.meta.url, "planned-unit.sql"),
  dropPlan: sqlFile(import.meta.url, "drop-plan.sql"),
  registerRunProcess: sqlFile(import.meta.url, "register-run-process.sql"),
  runningRunsOfHost: sqlFile(import.meta.url, "running-runs-of-host.sql"),
  closeAbandonedRuns: sqlFile(import.meta.url, "close-abandoned-runs.sql"),
  markRunInterrupted: sqlFile(import.meta.url, "mark-run-interrupted.sql"),
};

/** A data series of one scope: checkpoints are kept per series and day. */
export interface SeriesKey {
  enterprise: string;
  scope: string;
  /** '' at enterprise scope. */
  organization: string;
  series: string;
}

// ---- collection_runs

export async function insertRun(
  pool: Pool,
  run: { runId: string; trigger: string; startedAt: string; from?: string | undefined; to?: string | undefined },
): Promise<void> {
  await pool.query(sql.startRun, [run.runId, run.trigger, run.startedAt, run.from ?? null, run.to ?? null]);
}

export interface RunOutcome {
  runId: string;
  status: string;
  finishedAt: string;
  unitsTotal: number;
  unitsOk: number;
  unitsPending: number;
  unitsFailed: number;
  records: number;
  publishStatus: "skipped" | "failed" | "succeeded";
  errors: unknown[];
  freshness: Record<string, string>;
}

/** Closes the run's audit row; returns when the run started, undefined for a run never opened. */
export async function closeRun(pool: Pool, run: RunOutcome): Promise<Date | undefined> {
  const updated = await pool.query<{ started_at: Date }>(sql.finishRun, [
    run.runId,
    run.status,
    run.finishedAt,
    run.unitsTotal,
    run.unitsOk,
    run.unitsPending,
    run.unitsFailed,
    run.records,
    run.publishStatus,
    JSON.stringify(run.errors),
    JSON.stringify(run.freshness),
  ]);
  return updated.rows[0]?.started_at;
}

/** Newest day collected per data series, e.g. {"users-1-day": "2026-11-28"}, over the enterprises the run touched. */
export async function runFreshness(pool: Pool, runId: string): Promise<Record<string, string>> {
  const rows = await pool.query<{ report: string; newest: string }>(sql.runFreshness, [runId]);
  return Object.fromEntries(rows.rows.map((row) => [row.report, row.newest]));
}

export async function recordRateLimitPeak(pool: Pool, runId: string, percent: number): Promise<void> {
  await pool.query(sql.recordRateLimitPeak, [runId, percent]);
}

export interface RunRow {
  run_id: string;
  trigger: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  units_total: number;
  units_ok: number;
  units_pending: number;
  units_failed: number;
  /** bigint arrives as a string. */
  records: string;
}

/** The newest `count` runs, newest first. */
export async function lastRuns(pool: Pool, count: number): Promise<RunRow[]> {
  return (await pool.query<RunRow>(sql.lastRuns, [count])).rows;
}

// ---- run_processes

export async function registerRunProcess(pool: Pool, runId: string, host: string, pid: number): Promise<void> {
  await pool.query(sql.registerRunProcess, [runId, host, pid]);
}

/** Runs still `running` that a process on `host` started, with that process's id. */
export async function runningRunsOfHost(pool: Pool, host: string): Promise<Array<{ run_id: string; pid: number }>> {
  return (await pool.query<{ run_id: string; pid: number }>(sql.runningRunsOfHost, [host])).rows;
}

/** Closes as `aborted` those of `runIds` still `running`. */
export async function closeAbandonedRuns(pool: Pool, runIds: string[]): Promise<void> {
  await pool.query(sql.closeAbandonedRuns, [runIds]);
}

export async function markRunInterrupted(pool: Pool, runId: string, reason: string): Promise<void> {
  await pool.query(sql.markRunInterrupted, [runId, reason]);
}

// ---- run_plan_units

export interface PlanUnitRow {
  enterprise: string;
  scope: string;
  organization: string;
  report: string;
  series: string;
  days: string[];
}

/**
 * Stores an enterprise's units for the run in plan order, replacing what an earlier attempt stored,
 * and drops the plans of runs older than `keptDays`.
 */
export async function storePlan(
  pool: Pool,
  runId: string,
  enterprise: string,
  units: ReadonlyArray<Omit<PlanUnitRow, "enterprise">>,
  keptDays: number,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(sql.dropStalePlans, [runId, enterprise, keptDays]);
    await client.query(sql.storePlan, [runId, enterprise, JSON.stringify(units.map((unit, index) => ({ ...unit, unit: index })))]);
  });
}

/** Unit `index` of an enterprise's stored plan for the run; undefined when there is none. */
export async function plannedUnit(pool: Pool, runId: string, enterprise: string, index: number): Promise<PlanUnitRow | undefined> {
  return (await pool.query<PlanUnitRow>(sql.plannedUnit, [runId, enterprise, index])).rows[0];
}

export async function dropPlan(pool: Pool, runId: string): Promise<void> {
  await pool.query(sql.dropPlan, [runId]);
}

// ---- sync_checkpoints

/** One status per day of `days`; the outcome's records and error go on each of them. */
export async function recordCheckpoints(
  pool: Pool,
  series: SeriesKey & { report: string; runId?: string | undefined },
  days: readonly string[],
  statuses: readonly string[],
  outcome: { records: number; error: { message: string; file?: string | undefined; line?: number | undefined } | null },
): Promise<void> {
  const { error } = outcome;
  await pool.query(sql.recordCheckpoints, [
    series.enterprise,
    series.scope,
    series.organization,
    series.series,
    series.report,
    outcome.records,
    error?.message ?? null,
    error?.file ?? null,
    error?.line ?? null,
    series.runId ?? null,
    days,
    statuses,
  ]);
}

/** Whether any day of the series was ever collected. */
export async function seriesEverCollected(pool: Pool, series: SeriesKey): Promise<boolean> {
  const found = await pool.query(sql.seriesEverCollected, [series.enterprise, series.scope, series.organization, series.series]);
  return (found.rowCount ?? 0) > 0;
}

export interface CheckpointRow {
  enterprise: string;
  scope: string;
  organization: string;
  report: string;
  day: string;
  status: string;
}

export async function checkpointsOf(pool: Pool, enterprises: string[]): Promise<CheckpointRow[]> {
  return (await pool.query<CheckpointRow>(sql.checkpointsOfEnterprises, [enterprises])).rows;
}

export interface SeriesStatusRow {
  enterprise: string;
  organization: string;
  report: string;
  newest: string | null;
  gaps: string;
  failed: string;
  pending: string;
  age_days: number | null;
}

/** Per scope and report: the newest day collected, its age on `today`, and the days not collected yet. */
export async function seriesStatus(pool: Pool, today: string): Promise<SeriesStatusRow[]> {
  return (await pool.query<SeriesStatusRow>(sql.seriesStatus, [today])).rows;
}

export interface SeriesPolledRow {
  enterprise: string;
  organization: string;
  report: string;
  newest_day: string | null;
  polled_at: Date | null;
}

/** Per scope and report of the enterprises: the newest day collected and when it was last asked without failing. */
export async function seriesPolled(pool: Pool, enterprises: string[]): Promise<SeriesPolledRow[]> {
  return (await pool.query<SeriesPolledRow>(sql.seriesPolled, [enterprises])).rows;
}

export interface FailedDayRow {
  enterprise: string;
  organization: string;
  report: string;
  day: string;
  attempts: number;
  last_error: string | null;
  error_file: string | null;
  error_line: number | null;
}

/** The failed days (at most 50), in series and day order. */
export async function failedDays(pool: Pool): Promise<FailedDayRow[]> {
  return (await pool.query<FailedDayRow>(sql.failedDays)).rows;
}
