-- Rows synced before this moment are in the figures written now. A transaction still open
-- elsewhere may commit rows stamped earlier: the mark stays before its start. As text, because
-- a JS Date would cut the microseconds and make the last rows look changed again.
select least(now(), (select min(xact_start) from pg_stat_activity
                      where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()))::text as mark
