-- Per-user rows of one report unit ($1 enterprise, $2 scope, $3 organization, $4 source report).
-- GitHub time-partitions large user reports over several files and the same user appears in each:
-- counters are summed, flags OR-ed, the most recently sampled versions kept (per IDE for ide_versions).
with ide_latest as (
  select day, user_id, jsonb_agg(entry order by entry ->> 'ide') as ide_versions
  from (
    select distinct on (day, user_id, e ->> 'ide') day, user_id, e as entry
    from stage_user_daily
    cross join lateral jsonb_array_elements(coalesce(ide_versions, '[]'::jsonb)) as e
    order by day, user_id, e ->> 'ide', (e ->> 'ide_sampled_at')::timestamptz desc nulls last, file_index desc
  ) as latest
  group by day, user_id
)
insert into copilot_user_daily (
  enterprise, scope, organization, day, user_id, user_login,
  user_initiated_interaction_count, chat_panel_agent_mode, chat_panel_ask_mode, chat_panel_custom_mode,
  chat_panel_edit_mode, chat_panel_plan_mode, chat_panel_unknown_mode, code_generation_activity_count,
  code_acceptance_activity_count, loc_suggested_to_add_sum, loc_suggested_to_delete_sum, loc_added_sum, loc_deleted_sum,
  used_agent, used_chat, used_cli, used_copilot_code_review_active, used_copilot_code_review_passive,
  used_copilot_cloud_agent, primary_ide, ide_version, plugin, plugin_version, cli_version,
  cli_session_count, cli_request_count, cli_prompt_count, cli_output_tokens_sum, cli_prompt_tokens_sum,
  ai_credits_used, ai_adoption_phase, ai_adoption_phase_number,
  agent_edit_interactions, agent_edit_generations, agent_edit_acceptances, agent_edit_loc_added_sum,
  agent_edit_loc_deleted_sum, chat_panel_agent_mode_generations, chat_panel_agent_mode_acceptances,
  chat_panel_agent_mode_loc_added_sum, chat_panel_agent_mode_loc_deleted_sum, chat_panel_ask_mode_generations,
  chat_panel_ask_mode_acceptances, chat_panel_ask_mode_loc_added_sum, chat_panel_ask_mode_loc_deleted_sum,
  chat_panel_custom_mode_generations, chat_panel_custom_mode_acceptances, chat_panel_custom_mode_loc_added_sum,
  chat_panel_custom_mode_loc_deleted_sum, chat_panel_edit_mode_generations, chat_panel_edit_mode_acceptances,
  chat_panel_edit_mode_loc_added_sum, chat_panel_edit_mode_loc_deleted_sum, chat_panel_plan_mode_generations,
  chat_panel_plan_mode_acceptances, chat_panel_plan_mode_loc_added_sum, chat_panel_plan_mode_loc_deleted_sum,
  chat_panel_unknown_mode_generations, chat_panel_unknown_mode_acceptances, chat_panel_unknown_mode_loc_added_sum,
  chat_panel_unknown_mode_loc_deleted_sum,
  cli_avg_tokens_per_request, cli_version_sampled_at, ai_adoption_phase_version, ide_versions, source_report
)
select
  $1, $2, $3, day, user_id,
  (array_agg(user_login order by file_index desc))[1],
  sum(user_initiated_interaction_count), sum(chat_panel_agent_mode), sum(chat_panel_ask_mode),
  sum(chat_panel_custom_mode), sum(chat_panel_edit_mode), sum(chat_panel_plan_mode), sum(chat_panel_unknown_mode),
  sum(code_generation_activity_count), sum(code_acceptance_activity_count), sum(loc_suggested_to_add_sum),
  sum(loc_suggested_to_delete_sum), sum(loc_added_sum), sum(loc_deleted_sum),
  bool_or(used_agent), bool_or(used_chat), bool_or(used_cli), bool_or(used_copilot_code_review_active),
  bool_or(used_copilot_code_review_passive), bool_or(used_copilot_cloud_agent),
  (array_agg(primary_ide order by primary_ide_activity desc nulls last, file_index))[1],
  (array_agg(ide_version order by ide_sampled_at desc nulls last, file_index desc))[1],
  (array_agg(plugin order by ide_sampled_at desc nulls last, file_index desc))[1],
  (array_agg(plugin_version order by ide_sampled_at desc nulls last, file_index desc))[1],
  (array_agg(cli_version order by cli_version_sampled_at desc nulls last, file_index desc))[1],
  sum(cli_session_count), sum(cli_request_count), sum(cli_prompt_count), sum(cli_output_tokens_sum),
  sum(cli_prompt_tokens_sum),
  sum(ai_credits_used),
  (array_agg(ai_adoption_phase order by ai_adoption_phase_number desc nulls last, file_index desc))[1],
  max(ai_adoption_phase_number),
  sum(agent_edit_interactions), sum(agent_edit_generations), sum(agent_edit_acceptances),
  sum(agent_edit_loc_added_sum), sum(agent_edit_loc_deleted_sum), sum(chat_panel_agent_mode_generations),
  sum(chat_panel_agent_mode_acceptances), sum(chat_panel_agent_mode_loc_added_sum),
  sum(chat_panel_agent_mode_loc_deleted_sum), sum(chat_panel_ask_mode_generations),
  sum(chat_panel_ask_mode_acceptances), sum(chat_panel_ask_mode_loc_added_sum),
  sum(chat_panel_ask_mode_loc_deleted_sum), sum(chat_panel_custom_mode_generations),
  sum(chat_panel_custom_mode_acceptances), sum(chat_panel_custom_mode_loc_added_sum),
  sum(chat_panel_custom_mode_loc_deleted_sum), sum(chat_panel_edit_mode_generations),
  sum(chat_panel_edit_mode_acceptances), sum(chat_panel_edit_mode_loc_added_sum),
  sum(chat_panel_edit_mode_loc_deleted_sum), sum(chat_panel_plan_mode_generations),
  sum(chat_panel_plan_mode_acceptances), sum(chat_panel_plan_mode_loc_added_sum),
  sum(chat_panel_plan_mode_loc_deleted_sum), sum(chat_panel_unknown_mode_generations),
  sum(chat_panel_unknown_mode_acceptances), sum(chat_panel_unknown_mode_loc_added_sum),
  sum(chat_panel_unknown_mode_loc_deleted_sum),
  -- GitHub's average of one file; over several files, the same average of the summed tokens
  case when count(*) = 1 then max(cli_avg_tokens_per_request)
       else (sum(cli_output_tokens_sum) + sum(cli_prompt_tokens_sum))::double precision / nullif(sum(cli_request_count), 0) end,
  max(cli_version_sampled_at),
  (array_agg(ai_adoption_phase_version order by ai_adoption_phase_number desc nulls last, file_index desc))[1],
  (array_agg(l.ide_versions))[1],
  $4
from stage_user_daily s
left join ide_latest l using (day, user_id)
group by day, user_id
