-- copilot_user_metrics: enterprise x organization ('' for the enterprise level) x day x user, one
-- month per run ($1 the month's first day, $2 the next month's). user_id then user_login feed the
-- one `user` column, which USER_IDENTITY turns into the login, the id, a pseudonym or nothing.
-- Ordered by day first, which the index on day delivers presorted (sorting whole rows costs more
-- than reading them), then by id, not login, so the order does not depend on what the file shows.
select
  enterprise, organization, day, user_id, user_login,
  user_initiated_interaction_count, code_generation_activity_count, code_acceptance_activity_count,
  loc_suggested_to_add_sum, loc_suggested_to_delete_sum, loc_added_sum, loc_deleted_sum,
  chat_panel_agent_mode, chat_panel_ask_mode, chat_panel_custom_mode, chat_panel_edit_mode,
  chat_panel_plan_mode, chat_panel_unknown_mode,
  used_chat, used_agent, used_cli, used_copilot_code_review_active, used_copilot_code_review_passive,
  used_copilot_cloud_agent,
  primary_ide, ide_version, plugin, plugin_version, cli_version,
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
  ai_adoption_phase_version
from copilot_user_daily
where day >= $1 and day < $2
order by day, enterprise, organization, user_id
