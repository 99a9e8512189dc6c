-- Staging tables for one report unit; dropped with the transaction. Several files of one report
-- land here first and are combined per natural key by the merges.
create temp table stage_usage_daily (like copilot_usage_daily) on commit drop;
alter table stage_usage_daily
  drop column enterprise, drop column scope, drop column organization, drop column source_report,
  add column file_index integer not null;
create temp table stage_user_daily (like copilot_user_daily) on commit drop;
alter table stage_user_daily
  drop column enterprise, drop column scope, drop column organization, drop column source_report,
  add column primary_ide_activity bigint,
  add column ide_sampled_at timestamptz,
  add column file_index integer not null;
create temp table stage_user_teams (like copilot_user_teams) on commit drop;
alter table stage_user_teams drop column enterprise, drop column scope, drop column organization;
create temp table stage_repo_daily (like copilot_repo_daily) on commit drop;
alter table stage_repo_daily
  drop column enterprise, drop column scope, drop column organization,
  add column file_index integer not null;
