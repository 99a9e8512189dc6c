-- The report units a run planned for each enterprise, handed to its ingest activities by position.
-- A first run of 50 enterprises × 10 organizations plans about 32,000 units (5.5 MB of JSON): far
-- too much for an activity's output, which Durable Functions keeps in the orchestration's history.
create table run_plan_units (
  run_id text not null,
  enterprise text not null,
  unit integer not null,
  scope text not null,
  organization text not null,
  report text not null,
  series text not null,
  days date[] not null,
  created_at timestamptz not null default now(),
  primary key (run_id, enterprise, unit)
);
