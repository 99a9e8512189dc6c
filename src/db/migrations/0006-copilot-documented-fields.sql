-- Every field of GitHub's Copilot usage-metrics field reference lands in a column (docs/copilot-fields.md).

-- Chat modes and agent edits are values of totals_by_feature[].feature, not fields of the record:
-- the mode columns were never filled. Each mode and agent edits get their figures here; the mode
-- columns keep the interactions.
alter table copilot_usage_daily
  add column agent_edit_interactions bigint,
  add column agent_edit_generations bigint,
  add column agent_edit_acceptances bigint,
  add column agent_edit_loc_added_sum bigint,
  add column agent_edit_loc_deleted_sum bigint,
  add column chat_panel_agent_mode_generations bigint,
  add column chat_panel_agent_mode_acceptances bigint,
  add column chat_panel_agent_mode_loc_added_sum bigint,
  add column chat_panel_agent_mode_loc_deleted_sum bigint,
  add column chat_panel_ask_mode_generations bigint,
  add column chat_panel_ask_mode_acceptances bigint,
  add column chat_panel_ask_mode_loc_added_sum bigint,
  add column chat_panel_ask_mode_loc_deleted_sum bigint,
  add column chat_panel_custom_mode_generations bigint,
  add column chat_panel_custom_mode_acceptances bigint,
  add column chat_panel_custom_mode_loc_added_sum bigint,
  add column chat_panel_custom_mode_loc_deleted_sum bigint,
  add column chat_panel_edit_mode_generations bigint,
  add column chat_panel_edit_mode_acceptances bigint,
  add column chat_panel_edit_mode_loc_added_sum bigint,
  add column chat_panel_edit_mode_loc_deleted_sum bigint,
  add column chat_panel_plan_mode_generations bigint,
  add column chat_panel_plan_mode_acceptances bigint,
  add column chat_panel_plan_mode_loc_added_sum bigint,
  add column chat_panel_plan_mode_loc_deleted_sum bigint,
  add column chat_panel_unknown_mode_generations bigint,
  add column chat_panel_unknown_mode_acceptances bigint,
  add column chat_panel_unknown_mode_loc_added_sum bigint,
  add column chat_panel_unknown_mode_loc_deleted_sum bigint,
  add column report_created_at timestamptz;          -- the 28-day report's created_at

alter table copilot_user_daily
  add column agent_edit_interactions bigint,
  add column agent_edit_generations bigint,
  add column agent_edit_acceptances bigint,
  add column agent_edit_loc_added_sum bigint,
  add column agent_edit_loc_deleted_sum bigint,
  add column chat_panel_agent_mode_generations bigint,
  add column chat_panel_agent_mode_acceptances bigint,
  add column chat_panel_agent_mode_loc_added_sum bigint,
  add column chat_panel_agent_mode_loc_deleted_sum bigint,
  add column chat_panel_ask_mode_generations bigint,
  add column chat_panel_ask_mode_acceptances bigint,
  add column chat_panel_ask_mode_loc_added_sum bigint,
  add column chat_panel_ask_mode_loc_deleted_sum bigint,
  add column chat_panel_custom_mode_generations bigint,
  add column chat_panel_custom_mode_acceptances bigint,
  add column chat_panel_custom_mode_loc_added_sum bigint,
  add column chat_panel_custom_mode_loc_deleted_sum bigint,
  add column chat_panel_edit_mode_generations bigint,
  add column chat_panel_edit_mode_acceptances bigint,
  add column chat_panel_edit_mode_loc_added_sum bigint,
  add column chat_panel_edit_mode_loc_deleted_sum bigint,
  add column chat_panel_plan_mode_generations bigint,
  add column chat_panel_plan_mode_acceptances bigint,
  add column chat_panel_plan_mode_loc_added_sum bigint,
  add column chat_panel_plan_mode_loc_deleted_sum bigint,
  add column chat_panel_unknown_mode_generations bigint,
  add column chat_panel_unknown_mode_acceptances bigint,
  add column chat_panel_unknown_mode_loc_added_sum bigint,
  add column chat_panel_unknown_mode_loc_deleted_sum bigint,
  add column cli_avg_tokens_per_request double precision,
  add column cli_version_sampled_at timestamptz,
  add column ai_adoption_phase_version text,
  -- every IDE of the user that day: [{ide, ide_version, ide_sampled_at, plugin, plugin_version, plugin_sampled_at}]
  add column ide_versions jsonb;

-- The aggregate rows keep their raw records: fill the feature figures of the days already collected.
-- (Per-user rows keep no raw record: a re-ingest from the archive fills theirs.)
with records as (
  select d.enterprise, d.scope, d.organization, d.day, r.record
  from copilot_usage_daily d
  cross join lateral jsonb_array_elements(case jsonb_typeof(d.raw) when 'array' then d.raw else jsonb_build_array(d.raw) end) as r (record)
),
entries as (
  select enterprise, scope, organization, day, e ->> 'feature' as feature,
         sum((e ->> 'user_initiated_interaction_count')::numeric)::bigint as interactions,
         sum((e ->> 'code_generation_activity_count')::numeric)::bigint as generations,
         sum((e ->> 'code_acceptance_activity_count')::numeric)::bigint as acceptances,
         sum((e ->> 'loc_added_sum')::numeric)::bigint as loc_added_sum,
         sum((e ->> 'loc_deleted_sum')::numeric)::bigint as loc_deleted_sum
  from records
  cross join lateral jsonb_array_elements(case jsonb_typeof(record -> 'totals_by_feature') when 'array' then record -> 'totals_by_feature' else '[]'::jsonb end) as e
  group by enterprise, scope, organization, day, e ->> 'feature'
),
pivoted as (
  select enterprise, scope, organization, day,
         max(interactions) filter (where feature = 'agent_edit') as agent_edit_interactions,
         max(generations) filter (where feature = 'agent_edit') as agent_edit_generations,
         max(acceptances) filter (where feature = 'agent_edit') as agent_edit_acceptances,
         max(loc_added_sum) filter (where feature = 'agent_edit') as agent_edit_loc_added_sum,
         max(loc_deleted_sum) filter (where feature = 'agent_edit') as agent_edit_loc_deleted_sum,
         max(interactions) filter (where feature = 'chat_panel_agent_mode') as chat_panel_agent_mode,
         max(generations) filter (where feature = 'chat_panel_agent_mode') as chat_panel_agent_mode_generations,
         max(acceptances) filter (where feature = 'chat_panel_agent_mode') as chat_panel_agent_mode_acceptances,
         max(loc_added_sum) filter (where feature = 'chat_panel_agent_mode') as chat_panel_agent_mode_loc_added_sum,
         max(loc_deleted_sum) filter (where feature = 'chat_panel_agent_mode') as chat_panel_agent_mode_loc_deleted_sum,
         max(interactions) filter (where feature = 'chat_panel_ask_mode') as chat_panel_ask_mode,
         max(generations) filter (where feature = 'chat_panel_ask_mode') as chat_panel_ask_mode_generations,
         max(acceptances) filter (where feature = 'chat_panel_ask_mode') as chat_panel_ask_mode_acceptances,
         max(loc_added_sum) filter (where feature = 'chat_panel_ask_mode') as chat_panel_ask_mode_loc_added_sum,
         max(loc_deleted_sum) filter (where feature = 'chat_panel_ask_mode') as chat_panel_ask_mode_loc_deleted_sum,
         max(interactions) filter (where feature = 'chat_panel_custom_mode') as chat_panel_custom_mode,
         max(generations) filter (where feature = 'chat_panel_custom_mode') as chat_panel_custom_mode_generations,
         max(acceptances) filter (where feature = 'chat_panel_custom_mode') as chat_panel_custom_mode_acceptances,
         max(loc_added_sum) filter (where feature = 'chat_panel_custom_mode') as chat_panel_custom_mode_loc_added_sum,
         max(loc_deleted_sum) filter (where feature = 'chat_panel_custom_mode') as chat_panel_custom_mode_loc_deleted_sum,
         max(interactions) filter (where feature = 'chat_panel_edit_mode') as chat_panel_edit_mode,
         max(generations) filter (where feature = 'chat_panel_edit_mode') as chat_panel_edit_mode_generations,
         max(acceptances) filter (where feature = 'chat_panel_edit_mode') as chat_panel_edit_mode_acceptances,
         max(loc_added_sum) filter (where feature = 'chat_panel_edit_mode') as chat_panel_edit_mode_loc_added_sum,
         max(loc_deleted_sum) filter (where feature = 'chat_panel_edit_mode') as chat_panel_edit_mode_loc_deleted_sum,
         max(interactions) filter (where feature = 'chat_panel_plan_mode') as chat_panel_plan_mode,
         max(generations) filter (where feature = 'chat_panel_plan_mode') as chat_panel_plan_mode_generations,
         max(acceptances) filter (where feature = 'chat_panel_plan_mode') as chat_panel_plan_mode_acceptances,
         max(loc_added_sum) filter (where feature = 'chat_panel_plan_mode') as chat_panel_plan_mode_loc_added_sum,
         max(loc_deleted_sum) filter (where feature = 'chat_panel_plan_mode') as chat_panel_plan_mode_loc_deleted_sum,
         max(interactions) filter (where feature = 'chat_panel_unknown_mode') as chat_panel_unknown_mode,
         max(generations) filter (where feature = 'chat_panel_unknown_mode') as chat_panel_unknown_mode_generations,
         max(acceptances) filter (where feature = 'chat_panel_unknown_mode') as chat_panel_unknown_mode_acceptances,
         max(loc_added_sum) filter (where feature = 'chat_panel_unknown_mode') as chat_panel_unknown_mode_loc_added_sum,
         max(loc_deleted_sum) filter (where feature = 'chat_panel_unknown_mode') as chat_panel_unknown_mode_loc_deleted_sum
  from entries
  group by enterprise, scope, organization, day
)
update copilot_usage_daily d set
  agent_edit_interactions = p.agent_edit_interactions,
  agent_edit_generations = p.agent_edit_generations,
  agent_edit_acceptances = p.agent_edit_acceptances,
  agent_edit_loc_added_sum = p.agent_edit_loc_added_sum,
  agent_edit_loc_deleted_sum = p.agent_edit_loc_deleted_sum,
  chat_panel_agent_mode = p.chat_panel_agent_mode,
  chat_panel_agent_mode_generations = p.chat_panel_agent_mode_generations,
  chat_panel_agent_mode_acceptances = p.chat_panel_agent_mode_acceptances,
  chat_panel_agent_mode_loc_added_sum = p.chat_panel_agent_mode_loc_added_sum,
  chat_panel_agent_mode_loc_deleted_sum = p.chat_panel_agent_mode_loc_deleted_sum,
  chat_panel_ask_mode = p.chat_panel_ask_mode,
  chat_panel_ask_mode_generations = p.chat_panel_ask_mode_generations,
  chat_panel_ask_mode_acceptances = p.chat_panel_ask_mode_acceptances,
  chat_panel_ask_mode_loc_added_sum = p.chat_panel_ask_mode_loc_added_sum,
  chat_panel_ask_mode_loc_deleted_sum = p.chat_panel_ask_mode_loc_deleted_sum,
  chat_panel_custom_mode = p.chat_panel_custom_mode,
  chat_panel_custom_mode_generations = p.chat_panel_custom_mode_generations,
  chat_panel_custom_mode_acceptances = p.chat_panel_custom_mode_acceptances,
  chat_panel_custom_mode_loc_added_sum = p.chat_panel_custom_mode_loc_added_sum,
  chat_panel_custom_mode_loc_deleted_sum = p.chat_panel_custom_mode_loc_deleted_sum,
  chat_panel_edit_mode = p.chat_panel_edit_mode,
  chat_panel_edit_mode_generations = p.chat_panel_edit_mode_generations,
  chat_panel_edit_mode_acceptances = p.chat_panel_edit_mode_acceptances,
  chat_panel_edit_mode_loc_added_sum = p.chat_panel_edit_mode_loc_added_sum,
  chat_panel_edit_mode_loc_deleted_sum = p.chat_panel_edit_mode_loc_deleted_sum,
  chat_panel_plan_mode = p.chat_panel_plan_mode,
  chat_panel_plan_mode_generations = p.chat_panel_plan_mode_generations,
  chat_panel_plan_mode_acceptances = p.chat_panel_plan_mode_acceptances,
  chat_panel_plan_mode_loc_added_sum = p.chat_panel_plan_mode_loc_added_sum,
  chat_panel_plan_mode_loc_deleted_sum = p.chat_panel_plan_mode_loc_deleted_sum,
  chat_panel_unknown_mode = p.chat_panel_unknown_mode,
  chat_panel_unknown_mode_generations = p.chat_panel_unknown_mode_generations,
  chat_panel_unknown_mode_acceptances = p.chat_panel_unknown_mode_acceptances,
  chat_panel_unknown_mode_loc_added_sum = p.chat_panel_unknown_mode_loc_added_sum,
  chat_panel_unknown_mode_loc_deleted_sum = p.chat_panel_unknown_mode_loc_deleted_sum
from pivoted p
where d.enterprise = p.enterprise and d.scope = p.scope and d.organization = p.organization and d.day = p.day;

-- totals_by_ai_adoption_phase[] of the aggregate reports: one row per day and phase.
create table copilot_adoption_phase_daily (
  enterprise      text not null,
  scope           text not null,
  organization    text not null default '',
  day             date not null,
  phase_number    integer not null,
  phase           text,
  total_engaged_users bigint,
  avg_user_initiated_interactions double precision,
  avg_code_generation_activities double precision,
  avg_code_acceptance_activities double precision,
  avg_loc_added double precision,
  avg_loc_deleted double precision,
  avg_pull_requests_reviewed double precision,
  avg_pull_requests_created double precision,
  avg_pull_requests_merged double precision,
  avg_pull_requests_median_minutes_to_merge double precision,
  primary key (enterprise, scope, organization, day, phase_number)
);

-- pull_requests.copilot_suggestions_by_comment_type[] of the aggregate reports.
create table copilot_review_comment_types_daily (
  enterprise      text not null,
  scope           text not null,
  organization    text not null default '',
  day             date not null,
  comment_type    text not null,
  total_copilot_suggestions bigint,
  total_copilot_applied_suggestions bigint,
  primary key (enterprise, scope, organization, day, comment_type)
);

-- Fill both from the raw records already collected (the latest file of a day wins for the phases,
-- whose averages cannot be combined; comment types are summed like the other counters).
insert into copilot_adoption_phase_daily
select distinct on (d.enterprise, d.scope, d.organization, d.day, (p ->> 'phase_number')::integer)
  d.enterprise, d.scope, d.organization, d.day, (p ->> 'phase_number')::integer, p ->> 'phase',
  (p ->> 'total_engaged_users')::numeric::bigint, (p ->> 'avg_user_initiated_interactions')::double precision,
  (p ->> 'avg_code_generation_activities')::double precision, (p ->> 'avg_code_acceptance_activities')::double precision,
  (p ->> 'avg_loc_added')::double precision, (p ->> 'avg_loc_deleted')::double precision,
  (p ->> 'avg_pull_requests_reviewed')::double precision, (p ->> 'avg_pull_requests_created')::double precision,
  (p ->> 'avg_pull_requests_merged')::double precision, (p ->> 'avg_pull_requests_median_minutes_to_merge')::double precision
from copilot_usage_daily d
cross join lateral jsonb_array_elements(case jsonb_typeof(d.raw) when 'array' then d.raw else jsonb_build_array(d.raw) end)
  with ordinality as r (record, position)
cross join lateral jsonb_array_elements(case jsonb_typeof(r.record -> 'totals_by_ai_adoption_phase') when 'array' then r.record -> 'totals_by_ai_adoption_phase' else '[]'::jsonb end) as p
where p ->> 'phase_number' is not null
order by d.enterprise, d.scope, d.organization, d.day, (p ->> 'phase_number')::integer, r.position desc;

insert into copilot_review_comment_types_daily
select d.enterprise, d.scope, d.organization, d.day, c ->> 'comment_type',
  sum((c ->> 'total_copilot_suggestions')::numeric)::bigint, sum((c ->> 'total_copilot_applied_suggestions')::numeric)::bigint
from copilot_usage_daily d
cross join lateral jsonb_array_elements(case jsonb_typeof(d.raw) when 'array' then d.raw else jsonb_build_array(d.raw) end) as r (record)
cross join lateral jsonb_array_elements(case jsonb_typeof(r.record -> 'pull_requests' -> 'copilot_suggestions_by_comment_type') when 'array' then r.record -> 'pull_requests' -> 'copilot_suggestions_by_comment_type' else '[]'::jsonb end) as c
where c ->> 'comment_type' is not null
group by d.enterprise, d.scope, d.organization, d.day, c ->> 'comment_type';

-- repos-1-day rows were keyed by a name read from fields the report does not have: at enterprise
-- scope two repositories of one name in two organizations became one row. Key them by the
-- repository id, with owner and name beside it. The old rows cannot be split again: they are
-- dropped with their checkpoints, so the days within the backfill window are read again.
truncate copilot_repo_daily;
delete from sync_checkpoints where report = 'repos-1-day';
alter table copilot_repo_daily
  drop constraint copilot_repo_daily_pkey,
  alter column repository drop not null,
  alter column repository_id set not null,
  add column repository_owner text,
  add column repository_name text,
  add primary key (enterprise, scope, organization, day, repository_id);
