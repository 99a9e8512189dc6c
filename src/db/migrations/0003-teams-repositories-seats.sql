-- Team membership per day from the user-teams-1-day report. GitHub omits teams with fewer than
-- five seated users: such teams are absent here, never invented.
create table copilot_user_teams (
  enterprise      text not null,
  scope           text not null,
  organization    text not null default '',
  day             date not null,
  team_id         bigint not null,
  team_slug       text not null,
  user_id         bigint not null,
  user_login      text not null,
  primary key (enterprise, scope, organization, day, team_id, user_id)
);
create index copilot_user_teams_user on copilot_user_teams (enterprise, scope, organization, day, user_id);

-- Per repository and day, from the repos-1-day report: Copilot pull-request activity.
create table copilot_repo_daily (
  enterprise      text not null,
  scope           text not null,
  organization    text not null default '',
  day             date not null,
  repository      text not null,                  -- owner/name as GitHub sends it
  repository_id   bigint,
  repo_visibility text,
  pr_total_created bigint,
  pr_total_reviewed bigint,
  pr_total_merged bigint,
  pr_median_minutes_to_merge double precision,
  pr_total_suggestions bigint,
  pr_total_applied_suggestions bigint,
  pr_total_created_by_copilot bigint,
  pr_total_reviewed_by_copilot bigint,
  pr_total_merged_created_by_copilot bigint,
  pr_total_merged_reviewed_by_copilot bigint,
  pr_median_minutes_to_merge_copilot_authored double precision,
  pr_median_minutes_to_merge_copilot_reviewed double precision,
  pr_total_copilot_suggestions bigint,
  pr_total_copilot_applied_suggestions bigint,
  raw             jsonb not null,
  primary key (enterprise, scope, organization, day, repository)
);

-- Copilot seats of an organization as seen on one run day; a re-run that day replaces the snapshot.
create table copilot_seats (
  enterprise      text not null,
  organization    text not null,
  snapshot_day    date not null,
  user_id         bigint not null,
  user_login      text not null,
  plan_type       text,
  assigning_team  text,
  created_at      timestamptz,
  updated_at      timestamptz,
  pending_cancellation_date date,
  last_activity_at timestamptz,
  last_activity_editor text,
  primary key (enterprise, organization, snapshot_day, user_id)
);
-- The seats dataset is published a month of snapshots at a time.
create index copilot_seats_snapshot_day on copilot_seats (snapshot_day);
