-- Closes a run's audit row with its outcome.
update collection_runs set status = $2, finished_at = $3, units_total = $4, units_ok = $5, units_pending = $6,
  units_failed = $7, records = $8, publish_status = $9, errors = $10, freshness = $11
where run_id = $1 returning started_at
