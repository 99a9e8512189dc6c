import type { Pool } from "../db/index.js";
import { runStore } from "../runs/index.js";

/** What `metrics-collector status` shows; with `--json` this document is printed as is, for scripts. */
export interface StatusReport {
  today: string;
  /** The last five runs, newest first. */
  runs: Array<{
    runId: string;
    trigger: string;
    /** running | succeeded | partial | failed | interrupted | aborted */
    status: string;
    startedAt: string;
    finishedAt: string | null;
    unitsTotal: number;
    unitsOk: number;
    unitsPending: number;
    unitsFailed: number;
    records: number;
  }>;
  /** Per scope and report: the newest day collected, its age, and the days not yet collected. */
  series: Array<{
    enterprise: string;
    organization: string;
    report: string;
    newest: string | null;
    ageDays: number | null;
    gaps: number;
    pending: number;
    failed: number;
  }>;
  /** The failed units (at most 50), retried by the next run. */
  failedUnits: Array<{
    enterprise: string;
    organization: string;
    report: string;
    day: string;
    attempts: number;
    error: string | null;
    file: string | null;
    line: number | null;
  }>;
}

export async function readStatus(pool: Pool, today: string): Promise<StatusReport> {
  const runs = await runStore.lastRuns(pool, 5);
  const series = await runStore.seriesStatus(pool, today);
  const failures = await runStore.failedDays(pool);
  return {
    today,
    runs: runs.map((run) => ({
      runId: run.run_id,
      trigger: run.trigger,
      status: run.status,
      startedAt: run.started_at.toISOString(),
      finishedAt: run.finished_at?.toISOString() ?? null,
      unitsTotal: run.units_total,
      unitsOk: run.units_ok,
      unitsPending: run.units_pending,
      unitsFailed: run.units_failed,
      // bigint arrives as a string; a run's record count fits a double with room to spare.
      records: Number(run.records),
    })),
    series: series.map((row) => ({
      enterprise: row.enterprise,
      organization: row.organization,
      report: row.report,
      newest: row.newest,
      ageDays: row.age_days,
      gaps: Number(row.gaps),
      pending: Number(row.pending),
      failed: Number(row.failed),
    })),
    failedUnits: failures.map((row) => ({
      enterprise: row.enterprise,
      organization: row.organization,
      report: row.report,
      day: row.day,
      attempts: row.attempts,
      error: row.last_error,
      file: row.error_file,
      line: row.error_line,
    })),
  };
}

/** `metrics-collector status`: the last runs, then per scope and report the newest day, gaps and failures. */
export async function printStatus(pool: Pool, today: string, out: (line: string) => void): Promise<void> {
  const report = await readStatus(pool, today);
  const owner = (row: { enterprise: string; organization: string }) =>
    row.organization === "" ? row.enterprise : `${row.enterprise}/${row.organization}`;
  out("Last runs:");
  if (report.runs.length === 0) out("  none yet");
  for (const run of report.runs) {
    out(`  ${run.startedAt}  ${run.status.padEnd(9)}  ${run.records} records, ${run.unitsFailed} failed units  (${run.runId})`);
  }
  out("");
  out("Collected data:");
  if (report.series.length === 0) out("  nothing collected yet: run `npm start`");
  for (const row of report.series) {
    out(
      `  ${owner(row)} ${row.report}: newest ${row.newest ?? "none"}${row.ageDays === null ? "" : ` (${row.ageDays} days old)`}, ${row.pending} not yet available, ${row.failed} failed`,
    );
  }
  if (report.failedUnits.length > 0) {
    out("");
    out("Failed units (retried by the next run):");
    for (const row of report.failedUnits) {
      const where = row.file === null ? "" : ` [${row.file}${row.line === null ? "" : `:${row.line}`}]`;
      out(`  ${owner(row)} ${row.report} ${row.day} (attempts ${row.attempts}): ${row.error ?? "unknown error"}${where}`);
    }
  }
}
