-- Opens a run's audit row; a repeated call (activity retry, Durable replay) leaves it as is.
insert into collection_runs (run_id, trigger, status, started_at, range_from, range_to)
values ($1, $2, 'running', $3, $4, $5)
on conflict (run_id) do nothing
