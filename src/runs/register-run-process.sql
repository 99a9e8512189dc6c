insert into run_processes (run_id, host, pid) values ($1, $2, $3) on conflict (run_id) do nothing
