-- The command-line process that runs a collection run. A run still 'running' whose process no
-- longer exists on that host was killed (kill -9, a crash, a closed terminal): the next start on the
-- same host closes it as 'aborted' instead of leaving it running forever. collection_runs.status
-- also takes 'interrupted' (Ctrl-C or SIGTERM, stopped cleanly) and 'aborted'.
create table run_processes (
  run_id     text primary key,
  host       text not null,
  pid        integer not null,
  started_at timestamptz not null default now()
);
