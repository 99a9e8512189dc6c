import type { AggregateRecord, RepositoryRecord, TeamMembershipRecord, UserRecord } from "./copilot-records.js";

export type CellValue = string | number | boolean | null;
type Row = CellValue[];

// Column order of the staging tables (usage-staging.sql); the merge SQL names the same columns.
export const dailyColumns = [
  "day", "daily_active_users", "weekly_active_users", "monthly_active_users", "monthly_active_chat_users",
  "monthly_active_agent_users", "daily_active_cli_users", "daily_active_copilot_code_review_users",
  "weekly_active_copilot_code_review_users", "monthly_active_copilot_code_review_users",
  "daily_passive_copilot_code_review_users", "weekly_passive_copilot_code_review_users",
  "monthly_passive_copilot_code_review_users", "daily_active_copilot_cloud_agent_users",
  "weekly_active_copilot_cloud_agent_users", "monthly_active_copilot_cloud_agent_users",
  "user_initiated_interaction_count", "chat_panel_agent_mode", "chat_panel_ask_mode", "chat_panel_custom_mode",
  "chat_panel_edit_mode", "chat_panel_plan_mode", "chat_panel_unknown_mode", "code_generation_activity_count",
  "code_acceptance_activity_count", "loc_suggested_to_add_sum", "loc_suggested_to_delete_sum", "loc_added_sum",
  "loc_deleted_sum", "cli_session_count", "cli_request_count", "cli_prompt_count", "cli_output_tokens_sum",
  "cli_prompt_tokens_sum", "cli_avg_tokens_per_request", "pr_total_created", "pr_total_reviewed", "pr_total_merged",
  "pr_median_minutes_to_merge", "pr_total_suggestions", "pr_total_applied_suggestions", "pr_total_created_by_copilot",
  "pr_total_reviewed_by_copilot", "pr_total_merged_created_by_copilot", "pr_total_merged_reviewed_by_copilot",
  "pr_median_minutes_to_merge_copilot_authored", "pr_median_minutes_to_merge_copilot_reviewed",
  "pr_total_copilot_suggestions", "pr_total_copilot_applied_suggestions", "raw", "file_index",
] as const;

export const userColumns = [
  "day", "user_id", "user_login", "user_initiated_interaction_count", "chat_panel_agent_mode", "chat_panel_ask_mode",
  "chat_panel_custom_mode", "chat_panel_edit_mode", "chat_panel_plan_mode", "chat_panel_unknown_mode",
  "code_generation_activity_count", "code_acceptance_activity_count", "loc_suggested_to_add_sum",
  "loc_suggested_to_delete_sum", "loc_added_sum", "loc_deleted_sum", "used_agent", "used_chat", "used_cli",
  "used_copilot_code_review_active", "used_copilot_code_review_passive", "used_copilot_cloud_agent", "primary_ide",
  "primary_ide_activity", "ide_version", "plugin", "plugin_version", "ide_sampled_at", "cli_version", "cli_sampled_at",
  "cli_session_count", "cli_request_count", "cli_prompt_count", "cli_output_tokens_sum", "cli_prompt_tokens_sum",
  "ai_credits_used", "ai_adoption_phase", "ai_adoption_phase_number", "file_index",
] as const;

const value = (input: number | string | boolean | null | undefined): CellValue => input ?? null;

function counterCells(source: {
  user_initiated_interaction_count?: number | null;
  code_generation_activity_count?: number | null;
  code_acceptance_activity_count?: number | null;
  loc_suggested_to_add_sum?: number | null;
  loc_suggested_to_delete_sum?: number | null;
  loc_added_sum?: number | null;
  loc_deleted_sum?: number | null;
}): Row {
  return [
    value(source.code_generation_activity_count),
    value(source.code_acceptance_activity_count),
    value(source.loc_suggested_to_add_sum),
    value(source.loc_suggested_to_delete_sum),
    value(source.loc_added_sum),
    value(source.loc_deleted_sum),
  ];
}

function chatModeCells(record: AggregateRecord | UserRecord): Row {
  return [
    value(record.chat_panel_agent_mode), value(record.chat_panel_ask_mode), value(record.chat_panel_custom_mode),
    value(record.chat_panel_edit_mode), value(record.chat_panel_plan_mode), value(record.chat_panel_unknown_mode),
  ];
}

/** The `pull_requests` block, in the pr_* column order shared by daily and repository rows. */
function pullRequestCells(pr: AggregateRecord["pull_requests"]): Row {
  return [
    value(pr?.total_created), value(pr?.total_reviewed), value(pr?.total_merged), value(pr?.median_minutes_to_merge),
    value(pr?.total_suggestions), value(pr?.total_applied_suggestions), value(pr?.total_created_by_copilot),
    value(pr?.total_reviewed_by_copilot), value(pr?.total_merged_created_by_copilot),
    value(pr?.total_merged_reviewed_by_copilot), value(pr?.median_minutes_to_merge_copilot_authored),
    value(pr?.median_minutes_to_merge_copilot_reviewed), value(pr?.total_copilot_suggestions),
    value(pr?.total_copilot_applied_suggestions),
  ];
}

export function toDailyRow(record: AggregateRecord, raw: unknown, fileIndex: number): Row {
  const cli = record.totals_by_cli;
  const pr = record.pull_requests;
  return [
    record.day,
    value(record.daily_active_users), value(record.weekly_active_users), value(record.monthly_active_users),
    value(record.monthly_active_chat_users), value(record.monthly_active_agent_users), value(record.daily_active_cli_users),
    value(record.daily_active_copilot_code_review_users), value(record.weekly_active_copilot_code_review_users),
    value(record.monthly_active_copilot_code_review_users), value(record.daily_passive_copilot_code_review_users),
    value(record.weekly_passive_copilot_code_review_users), value(record.monthly_passive_copilot_code_review_users),
    value(record.daily_active_copilot_cloud_agent_users), value(record.weekly_active_copilot_cloud_agent_users),
    value(record.monthly_active_copilot_cloud_agent_users),
    value(record.user_initiated_interaction_count),
    ...chatModeCells(record),
    ...counterCells(record),
    value(cli?.session_count), value(cli?.request_count), value(cli?.prompt_count),
    value(cli?.token_usage?.output_tokens_sum), value(cli?.token_usage?.prompt_tokens_sum),
    value(cli?.token_usage?.avg_tokens_per_request),
    ...pullRequestCells(pr),
    JSON.stringify(raw),
    fileIndex,
  ];
}

export function toUserRow(record: UserRecord, fileIndex: number): Row {
  // Primary IDE: the one with the most activity that day; versions come from the same entry.
  let primary: NonNullable<UserRecord["totals_by_ide"]>[number] | undefined;
  let primaryActivity = -1;
  for (const item of record.totals_by_ide ?? []) {
    const activity = (item.code_generation_activity_count ?? 0) + (item.user_initiated_interaction_count ?? 0);
    if (activity > primaryActivity) {
      primary = item;
      primaryActivity = activity;
    }
  }
  const cli = record.totals_by_cli;
  const phase = record.ai_adoption_phase;
  return [
    record.day, record.user_id, record.user_login,
    value(record.user_initiated_interaction_count),
    ...chatModeCells(record),
    ...counterCells(record),
    value(record.used_agent), value(record.used_chat), value(record.used_cli),
    value(record.used_copilot_code_review_active), value(record.used_copilot_code_review_passive),
    value(record.used_copilot_cloud_agent ?? record.used_copilot_coding_agent),
    value(primary?.ide), primary === undefined ? null : primaryActivity,
    value(primary?.last_known_ide_version?.ide_version), emptyToNull(primary?.last_known_plugin_version?.plugin),
    emptyToNull(primary?.last_known_plugin_version?.plugin_version),
    value(primary?.last_known_ide_version?.sampled_at ?? primary?.last_known_plugin_version?.sampled_at),
    value(cli?.last_known_cli_version?.cli_version), value(cli?.last_known_cli_version?.sampled_at),
    value(cli?.session_count), value(cli?.request_count), value(cli?.prompt_count),
    value(cli?.token_usage?.output_tokens_sum), value(cli?.token_usage?.prompt_tokens_sum),
    value(record.ai_credits_used),
    phase?.phase === undefined || phase.phase === null ? null : String(phase.phase),
    value(phase?.phase_number),
    fileIndex,
  ];
}

// GitHub sends "" for an unknown plugin; unknown is NULL here.
function emptyToNull(text: string | null | undefined): CellValue {
  return text === undefined || text === null || text === "" ? null : text;
}

export const teamColumns = ["day", "team_id", "team_slug", "user_id", "user_login"] as const;

export function toTeamRow(record: TeamMembershipRecord): Row {
  return [record.day, record.team_id, record.slug, record.user_id, record.user_login];
}

export const repositoryColumns = [
  "day", "repository", "repository_id", "repo_visibility", "pr_total_created", "pr_total_reviewed", "pr_total_merged",
  "pr_median_minutes_to_merge", "pr_total_suggestions", "pr_total_applied_suggestions", "pr_total_created_by_copilot",
  "pr_total_reviewed_by_copilot", "pr_total_merged_created_by_copilot", "pr_total_merged_reviewed_by_copilot",
  "pr_median_minutes_to_merge_copilot_authored", "pr_median_minutes_to_merge_copilot_reviewed",
  "pr_total_copilot_suggestions", "pr_total_copilot_applied_suggestions", "raw", "file_index",
] as const;

export function toRepositoryRow(record: RepositoryRecord, raw: unknown, fileIndex: number): Row {
  const pr = record.pull_requests;
  return [
    record.day,
    record.repository ?? record.repo_name ?? record.full_name ?? record.name ?? null,
    value(record.repository_id ?? record.repo_id),
    value(record.repo_visibility),
    ...pullRequestCells(pr),
    JSON.stringify(raw),
    fileIndex,
  ];
}
