-- Daily totals of one report unit ($1 enterprise, $2 scope, $3 organization, $4 source report).
-- A day split over several files is combined: volume counters summed; distinct-user counts and
-- medians cannot be summed, so the largest is kept. The raw record is kept as sent, or as an array
-- of the records when there were several.
insert into copilot_usage_daily (
  enterprise, scope, organization, day,
  daily_active_users, weekly_active_users, monthly_active_users, monthly_active_chat_users, monthly_active_agent_users,
  daily_active_cli_users, daily_active_copilot_code_review_users, weekly_active_copilot_code_review_users,
  monthly_active_copilot_code_review_users, daily_passive_copilot_code_review_users,
  weekly_passive_copilot_code_review_users, monthly_passive_copilot_code_review_users,
  daily_active_copilot_cloud_agent_users, weekly_active_copilot_cloud_agent_users, monthly_active_copilot_cloud_agent_users,
  user_initiated_interaction_count, chat_panel_agent_mode, chat_panel_ask_mode, chat_panel_custom_mode,
  chat_panel_edit_mode, chat_panel_plan_mode, chat_panel_unknown_mode, code_generation_activity_count,
  code_acceptance_activity_count, loc_suggested_to_add_sum, loc_suggested_to_delete_sum, loc_added_sum, loc_deleted_sum,
  cli_session_count, cli_request_count, cli_prompt_count, cli_output_tokens_sum, cli_prompt_tokens_sum,
  cli_avg_tokens_per_request, pr_total_created, pr_total_reviewed, pr_total_merged, pr_median_minutes_to_merge,
  pr_total_suggestions, pr_total_applied_suggestions, pr_total_created_by_copilot, pr_total_reviewed_by_copilot,
  pr_total_merged_created_by_copilot, pr_total_merged_reviewed_by_copilot, pr_median_minutes_to_merge_copilot_authored,
  pr_median_minutes_to_merge_copilot_reviewed, pr_total_copilot_suggestions, pr_total_copilot_applied_suggestions,
  source_report, raw
)
select
  $1, $2, $3, day,
  max(daily_active_users), max(weekly_active_users), max(monthly_active_users), max(monthly_active_chat_users),
  max(monthly_active_agent_users), max(daily_active_cli_users), max(daily_active_copilot_code_review_users),
  max(weekly_active_copilot_code_review_users), max(monthly_active_copilot_code_review_users),
  max(daily_passive_copilot_code_review_users), max(weekly_passive_copilot_code_review_users),
  max(monthly_passive_copilot_code_review_users), max(daily_active_copilot_cloud_agent_users),
  max(weekly_active_copilot_cloud_agent_users), max(monthly_active_copilot_cloud_agent_users),
  sum(user_initiated_interaction_count), sum(chat_panel_agent_mode), sum(chat_panel_ask_mode), sum(chat_panel_custom_mode),
  sum(chat_panel_edit_mode), sum(chat_panel_plan_mode), sum(chat_panel_unknown_mode), sum(code_generation_activity_count),
  sum(code_acceptance_activity_count), sum(loc_suggested_to_add_sum), sum(loc_suggested_to_delete_sum), sum(loc_added_sum),
  sum(loc_deleted_sum),
  sum(cli_session_count), sum(cli_request_count), sum(cli_prompt_count), sum(cli_output_tokens_sum), sum(cli_prompt_tokens_sum),
  max(cli_avg_tokens_per_request), sum(pr_total_created), sum(pr_total_reviewed), sum(pr_total_merged),
  max(pr_median_minutes_to_merge), sum(pr_total_suggestions), sum(pr_total_applied_suggestions),
  sum(pr_total_created_by_copilot), sum(pr_total_reviewed_by_copilot), sum(pr_total_merged_created_by_copilot),
  sum(pr_total_merged_reviewed_by_copilot), max(pr_median_minutes_to_merge_copilot_authored),
  max(pr_median_minutes_to_merge_copilot_reviewed), sum(pr_total_copilot_suggestions),
  sum(pr_total_copilot_applied_suggestions),
  $4,
  case when count(*) = 1 then (array_agg(raw))[1] else jsonb_agg(raw order by file_index) end
from stage_usage_daily
group by day
