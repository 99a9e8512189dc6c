select r.run_id, p.pid from collection_runs r join run_processes p using (run_id)
where r.status = 'running' and p.host = $1
