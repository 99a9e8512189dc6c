-- Ranges computed beside each other already keep the cores busy: parallel workers would only
-- queue behind them.
set local max_parallel_workers_per_gather = 0
