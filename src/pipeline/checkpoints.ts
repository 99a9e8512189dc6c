import type { Pool } from "../db/index.js";
import type { ReportUnit, UnitResult } from "./units.js";

/**
 * Records what happened to each day of a unit. Days a report covered are ok; days it did not reach
 * yet are pending; a failure marks every day failed with the error, and counts the attempt.
 */
export async function recordCheckpoints(pool: Pool, unit: ReportUnit, coveredDays: string[], result: UnitResult): Promise<void> {
  const covered = new Set(coveredDays);
  const statuses = unit.days.map((day) => (!result.ok ? "failed" : covered.has(day) ? "ok" : result.status === "unavailable" ? "unavailable" : "pending"));
  const error = result.ok ? null : result.error;
  await pool.query(
    `insert into sync_checkpoints as c
       (enterprise, scope, organization, report, day, status, source_report, attempts, records, last_error, error_file, error_line, last_run_id, finished_at)
     select $1, $2, $3, $4, d.day, d.status, $5, case when d.status = 'failed' then 1 else 0 end, $6, $7, $8, $9, $10, now()
     from unnest($11::date[], $12::text[]) as d (day, status)
     on conflict (enterprise, scope, organization, report, day) do update set
       status = excluded.status,
       source_report = excluded.source_report,
       attempts = case when excluded.status = 'failed' then c.attempts + 1 else 0 end,
       records = excluded.records,
       last_error = excluded.last_error,
       error_file = excluded.error_file,
       error_line = excluded.error_line,
       last_run_id = excluded.last_run_id,
       finished_at = excluded.finished_at`,
    [
      unit.enterprise, unit.scope, unit.organization, unit.series, unit.report,
      result.ok ? result.records : 0,
      error?.message ?? null, error?.file ?? null, error?.line ?? null, unit.runId ?? null,
      unit.days, statuses,
    ],
  );
}
