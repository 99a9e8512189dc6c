-- Audit: one row per collection run.
create table collection_runs (
  run_id          text primary key,
  trigger         text not null,                  -- cli | timer | http | reingest
  status          text not null,                  -- running | succeeded | partial | failed
  started_at      timestamptz not null,
  finished_at     timestamptz,
  range_from      date,
  range_to        date,
  units_total     integer not null default 0,
  units_ok        integer not null default 0,
  units_pending   integer not null default 0,
  units_failed    integer not null default 0,
  records         bigint not null default 0,
  ratelimit_peak_percent numeric(5, 2),
  publish_status  text,                           -- succeeded | failed | skipped
  errors          jsonb not null default '[]'::jsonb,
  freshness       jsonb not null default '{}'::jsonb -- newest day collected per source
);

-- Per unit of work (scope, report, day): what happened the last time it ran.
create table sync_checkpoints (
  enterprise      text not null,
  scope           text not null,                  -- enterprise | organization
  organization    text not null default '',       -- '' at enterprise scope
  report          text not null,                  -- the data series: the 1-day report's name, e.g. users-1-day
  day             date not null,
  status          text not null,                  -- ok | pending | failed | unavailable (endpoint missing)
  source_report   text,                           -- the report that last answered for this day (1-day or 28-day)
  attempts        integer not null default 0,
  records         bigint not null default 0,
  last_error      text,
  error_file      text,
  error_line      integer,
  last_run_id     text,
  finished_at     timestamptz not null,
  primary key (enterprise, scope, organization, report, day)
);

-- Enterprise and organization daily totals from the aggregate reports (1-day and 28-day).
create table copilot_usage_daily (
  enterprise      text not null,
  scope           text not null,
  organization    text not null default '',
  day             date not null,
  daily_active_users integer,
  weekly_active_users integer,
  monthly_active_users integer,
  monthly_active_chat_users integer,
  monthly_active_agent_users integer,
  daily_active_cli_users integer,
  daily_active_copilot_code_review_users integer,
  weekly_active_copilot_code_review_users integer,
  monthly_active_copilot_code_review_users integer,
  daily_passive_copilot_code_review_users integer,
  weekly_passive_copilot_code_review_users integer,
  monthly_passive_copilot_code_review_users integer,
  daily_active_copilot_cloud_agent_users integer,
  weekly_active_copilot_cloud_agent_users integer,
  monthly_active_copilot_cloud_agent_users integer,
  user_initiated_interaction_count bigint,
  chat_panel_agent_mode bigint,
  chat_panel_ask_mode bigint,
  chat_panel_custom_mode bigint,
  chat_panel_edit_mode bigint,
  chat_panel_plan_mode bigint,
  chat_panel_unknown_mode bigint,
  code_generation_activity_count bigint,
  code_acceptance_activity_count bigint,
  loc_suggested_to_add_sum bigint,
  loc_suggested_to_delete_sum bigint,
  loc_added_sum bigint,
  loc_deleted_sum bigint,
  cli_session_count bigint,
  cli_request_count bigint,
  cli_prompt_count bigint,
  cli_output_tokens_sum bigint,
  cli_prompt_tokens_sum bigint,
  cli_avg_tokens_per_request double precision,
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
  source_report   text not null,
  raw             jsonb not null,
  primary key (enterprise, scope, organization, day)
);

-- One row per day x breakdown dimension x its keys; keys a dimension lacks are ''.
create table copilot_usage_breakdown (
  enterprise      text not null,
  scope           text not null,
  organization    text not null default '',
  day             date not null,
  dimension       text not null,                  -- ide | feature | language_feature | language_model | model_feature
  ide             text not null default '',
  feature         text not null default '',
  language        text not null default '',
  model           text not null default '',
  user_initiated_interaction_count bigint,
  code_generation_activity_count bigint,
  code_acceptance_activity_count bigint,
  loc_suggested_to_add_sum bigint,
  loc_suggested_to_delete_sum bigint,
  loc_added_sum bigint,
  loc_deleted_sum bigint,
  primary key (enterprise, scope, organization, day, dimension, ide, feature, language, model)
);

-- Per user and day. No raw jsonb here: the raw lines live in the Blob archive (docs/architecture.md, storage contracts).
create table copilot_user_daily (
  enterprise      text not null,
  scope           text not null,
  organization    text not null default '',
  day             date not null,
  user_id         bigint not null,
  user_login      text not null,
  user_initiated_interaction_count bigint,
  chat_panel_agent_mode bigint,
  chat_panel_ask_mode bigint,
  chat_panel_custom_mode bigint,
  chat_panel_edit_mode bigint,
  chat_panel_plan_mode bigint,
  chat_panel_unknown_mode bigint,
  code_generation_activity_count bigint,
  code_acceptance_activity_count bigint,
  loc_suggested_to_add_sum bigint,
  loc_suggested_to_delete_sum bigint,
  loc_added_sum bigint,
  loc_deleted_sum bigint,
  used_agent      boolean,
  used_chat       boolean,
  used_cli        boolean,
  used_copilot_code_review_active boolean,
  used_copilot_code_review_passive boolean,
  used_copilot_cloud_agent boolean,
  primary_ide     text,
  ide_version     text,
  plugin          text,
  plugin_version  text,
  cli_version     text,
  cli_session_count bigint,
  cli_request_count bigint,
  cli_prompt_count bigint,
  cli_output_tokens_sum bigint,
  cli_prompt_tokens_sum bigint,
  ai_credits_used numeric(14, 4),
  ai_adoption_phase text,
  ai_adoption_phase_number integer,
  source_report   text not null,
  primary key (enterprise, scope, organization, day, user_id)
);
create index copilot_user_daily_login on copilot_user_daily (enterprise, user_login, day);
