import type { Pool } from "../db/index.js";

/** `metrics-collector status`: the last runs, then per scope and report the newest day, gaps and failures. */
export async function printStatus(pool: Pool, today: string, out: (line: string) => void): Promise<void> {
  const runs = await pool.query<{ run_id: string; status: string; started_at: Date; finished_at: Date | null; units_failed: number; records: number }>(
    "select run_id, status, started_at, finished_at, units_failed, records from collection_runs order by started_at desc limit 5",
  );
  out("Last runs:");
  if (runs.rows.length === 0) out("  none yet");
  for (const run of runs.rows) {
    out(`  ${run.started_at.toISOString()}  ${run.status.padEnd(9)}  ${run.records} records, ${run.units_failed} failed units  (${run.run_id})`);
  }
  const series = await pool.query<{ owner: string; report: string; newest: string | null; gaps: number; failed: number; pending: number; age_days: number | null }>(
    `select enterprise || case when organization = '' then '' else '/' || organization end as owner, report,
            max(day) filter (where status = 'ok')::text as newest,
            count(*) filter (where status <> 'ok') as gaps,
            count(*) filter (where status = 'failed') as failed,
            count(*) filter (where status = 'pending') as pending,
            $1::date - max(day) filter (where status = 'ok') as age_days
     from sync_checkpoints group by enterprise, organization, report order by owner, report`,
    [today],
  );
  out("");
  out("Collected data:");
  if (series.rows.length === 0) out("  nothing collected yet: run `npm start`");
  for (const row of series.rows) {
    out(`  ${row.owner} ${row.report}: newest ${row.newest ?? "none"}${row.age_days === null ? "" : ` (${row.age_days} days old)`}, ${row.pending} not yet available, ${row.failed} failed`);
  }
  const failures = await pool.query<{ owner: string; report: string; day: string; attempts: number; last_error: string | null; error_file: string | null; error_line: number | null }>(
    `select enterprise || case when organization = '' then '' else '/' || organization end as owner, report, day::text, attempts,
            last_error, error_file, error_line
     from sync_checkpoints where status = 'failed' order by owner, report, day limit 50`,
  );
  if (failures.rows.length > 0) {
    out("");
    out("Failed units (retried by the next run):");
    for (const row of failures.rows) {
      const where = row.error_file === null ? "" : ` [${row.error_file}${row.error_line === null ? "" : `:${row.error_line}`}]`;
      out(`  ${row.owner} ${row.report} ${row.day} (attempts ${row.attempts}): ${row.last_error ?? "unknown error"}${where}`);
    }
  }
}
