-- One checkpoint per day of a unit; a failure counts the attempt.
insert into sync_checkpoints as c
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
  finished_at = excluded.finished_at
