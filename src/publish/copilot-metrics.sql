-- copilot_metrics: enterprise x organization ('' for the enterprise level) x day, from the aggregate
-- reports. The acceptance rate is acceptances / generations, empty when nothing was generated.
-- The chat-mode and agent-edit columns come from the reports' totals_by_feature[] entries.
select
  enterprise, organization, day,
  daily_active_users, weekly_active_users, monthly_active_users, monthly_active_chat_users,
  monthly_active_agent_users, daily_active_cli_users, daily_active_copilot_code_review_users,
  daily_active_copilot_cloud_agent_users, user_initiated_interaction_count, code_generation_activity_count,
  code_acceptance_activity_count,
  round(code_acceptance_activity_count::numeric / nullif(code_generation_activity_count, 0), 4) as acceptance_rate,
  loc_suggested_to_add_sum, loc_suggested_to_delete_sum, loc_added_sum, loc_deleted_sum,
  chat_panel_agent_mode, chat_panel_ask_mode, chat_panel_custom_mode, chat_panel_edit_mode,
  chat_panel_plan_mode, chat_panel_unknown_mode,
  pr_total_created, pr_total_reviewed, pr_total_merged, pr_total_created_by_copilot, pr_total_reviewed_by_copilot,
  pr_total_merged_created_by_copilot, pr_total_merged_reviewed_by_copilot,
  pr_median_minutes_to_merge, pr_median_minutes_to_merge_copilot_authored,
  cli_session_count, cli_request_count, cli_prompt_count,
  agent_edit_interactions, agent_edit_generations, agent_edit_acceptances, agent_edit_loc_added_sum,
  agent_edit_loc_deleted_sum, chat_panel_agent_mode_generations, chat_panel_agent_mode_acceptances,
  chat_panel_agent_mode_loc_added_sum, chat_panel_agent_mode_loc_deleted_sum, chat_panel_ask_mode_generations,
  chat_panel_ask_mode_acceptances, chat_panel_ask_mode_loc_added_sum, chat_panel_ask_mode_loc_deleted_sum,
  chat_panel_custom_mode_generations, chat_panel_custom_mode_acceptances, chat_panel_custom_mode_loc_added_sum,
  chat_panel_custom_mode_loc_deleted_sum, chat_panel_edit_mode_generations, chat_panel_edit_mode_acceptances,
  chat_panel_edit_mode_loc_added_sum, chat_panel_edit_mode_loc_deleted_sum, chat_panel_plan_mode_generations,
  chat_panel_plan_mode_acceptances, chat_panel_plan_mode_loc_added_sum, chat_panel_plan_mode_loc_deleted_sum,
  chat_panel_unknown_mode_generations, chat_panel_unknown_mode_acceptances, chat_panel_unknown_mode_loc_added_sum,
  chat_panel_unknown_mode_loc_deleted_sum
from copilot_usage_daily
where day >= $1
order by enterprise, organization, day
