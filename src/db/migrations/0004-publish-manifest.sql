-- Every CSV file the publish step has placed in a sink, with the hash of its bytes: a partition whose
-- new bytes hash the same is not uploaded again, and retention and forget-user know what exists
-- without listing the whole library.
create table publish_manifest (
  sink            text not null,                  -- the sink's description: "SharePoint drive … folder /…" or "folder /abs/path"
  path            text not null,                  -- relative to the sink's folder, forward slashes
  dataset         text not null,
  kind            text not null,                  -- file | partition | snapshot
  sha256          text not null,                  -- of the file's bytes, BOM included
  rows            bigint not null,
  bytes           bigint not null,
  published_at    timestamptz not null,
  run_id          text,
  primary key (sink, path)
);
create index publish_manifest_dataset on publish_manifest (sink, dataset, kind);

-- The monthly partitions of copilot_user_metrics and copilot_breakdown read one month at a time;
-- without these each month is a scan of the whole table. Days repeat, so the B-tree deduplicates
-- them into a small index.
create index copilot_user_daily_day on copilot_user_daily (day);
create index copilot_usage_breakdown_day on copilot_usage_breakdown (day);
