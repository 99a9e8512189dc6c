select run_id, trigger, status, started_at, finished_at, units_total, units_ok, units_pending, units_failed, records
from collection_runs order by started_at desc limit $1
