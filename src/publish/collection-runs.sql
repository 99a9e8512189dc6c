-- collection_runs: one row per run started on or after $1 (the first day kept). freshness is the
-- newest day collected per data series, as JSON ({"users-1-day": "2026-11-28", ...}); oldest_newest_day
-- is the least of them: the age of the stalest source.
select
  run_id, trigger, status, started_at, finished_at,
  round(extract(epoch from finished_at - started_at)::numeric, 1) as duration_seconds,
  range_from, range_to, units_total, units_ok, units_pending, units_failed, records, publish_status,
  jsonb_array_length(errors) as error_count,
  (select min(value #>> '{}') from jsonb_each(freshness)) as oldest_newest_day,
  freshness::text as freshness
from collection_runs
where started_at >= $1::date
order by started_at, run_id
