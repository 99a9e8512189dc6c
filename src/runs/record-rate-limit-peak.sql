-- The greatest share of the rate limit any activity of the run saw.
update collection_runs set ratelimit_peak_percent = greatest(coalesce(ratelimit_peak_percent, 0), $2) where run_id = $1
