import type { AggregateRecord, RepositoryRecord, TeamMembershipRecord, UserRecord } from "./copilot-records.js";

type CellValue = string | number | boolean | null;
type Row = CellValue[];

/**
 * The `feature` values whose figures get columns of their own in the daily and per-user rows: the
 * chat panel's modes and agent edits. GitHub sends them as entries of `totals_by_feature[]`, never
 * as fields of the record.
 */
const chatModeFeatures = [
  "chat_panel_agent_mode",
  "chat_panel_ask_mode",
  "chat_panel_custom_mode",
  "chat_panel_edit_mode",
  "chat_panel_plan_mode",
  "chat_panel_unknown_mode",
] as const;
const featureColumnNames = ["agent_edit", ...chatModeFeatures] as const;

/**
 * The figures kept per feature, by column suffix. A mode's interactions keep the column the mode
 * is named after (`chat_panel_ask_mode`), as published before; agent edits have `agent_edit_interactions`.
 */
const featureFigures = {
  interactions: "user_initiated_interaction_count",
  generations: "code_generation_activity_count",
  acceptances: "code_acceptance_activity_count",
  loc_added_sum: "loc_added_sum",
  loc_deleted_sum: "loc_deleted_sum",
} as const;

type Feature = (typeof featureColumnNames)[number];
type Figure = keyof typeof featureFigures;

function featureColumn(feature: Feature, figure: Figure): string {
  return figure === "interactions" && feature !== "agent_edit" ? feature : `${feature}_${figure}`;
}

/** The columns after the interactions of the modes: every other figure of every feature. */
export const featureFigureColumns: string[] = featureColumnNames.flatMap((feature) =>
  (Object.keys(featureFigures) as Figure[])
    .filter((figure) => featureColumn(feature, figure) !== feature)
    .map((figure) => featureColumn(feature, figure)),
);

// Column order of the staging tables (usage-staging.sql); the merge SQL names the same columns.
// The interaction, chat-mode and code counters of the aggregate and the users reports, in the columns' order.
const activityColumns = [
  "user_initiated_interaction_count",
  "chat_panel_agent_mode",
  "chat_panel_ask_mode",
  "chat_panel_custom_mode",
  "chat_panel_edit_mode",
  "chat_panel_plan_mode",
  "chat_panel_unknown_mode",
  "code_generation_activity_count",
  "code_acceptance_activity_count",
  "loc_suggested_to_add_sum",
  "loc_suggested_to_delete_sum",
  "loc_added_sum",
  "loc_deleted_sum",
] as const;

// The pull-request counters of the aggregate and the repository reports, in the columns' order.
const pullRequestColumns = [
  "pr_total_created",
  "pr_total_reviewed",
  "pr_total_merged",
  "pr_median_minutes_to_merge",
  "pr_total_suggestions",
  "pr_total_applied_suggestions",
  "pr_total_created_by_copilot",
  "pr_total_reviewed_by_copilot",
  "pr_total_merged_created_by_copilot",
  "pr_total_merged_reviewed_by_copilot",
  "pr_median_minutes_to_merge_copilot_authored",
  "pr_median_minutes_to_merge_copilot_reviewed",
  "pr_total_copilot_suggestions",
  "pr_total_copilot_applied_suggestions",
] as const;

export const dailyColumns = [
  "day",
  "daily_active_users",
  "weekly_active_users",
  "monthly_active_users",
  "monthly_active_chat_users",
  "monthly_active_agent_users",
  "daily_active_cli_users",
  "daily_active_copilot_code_review_users",
  "weekly_active_copilot_code_review_users",
  "monthly_active_copilot_code_review_users",
  "daily_passive_copilot_code_review_users",
  "weekly_passive_copilot_code_review_users",
  "monthly_passive_copilot_code_review_users",
  "daily_active_copilot_cloud_agent_users",
  "weekly_active_copilot_cloud_agent_users",
  "monthly_active_copilot_cloud_agent_users",
  ...activityColumns,
  "cli_session_count",
  "cli_request_count",
  "cli_prompt_count",
  "cli_output_tokens_sum",
  "cli_prompt_tokens_sum",
  "cli_avg_tokens_per_request",
  ...pullRequestColumns,
  ...featureFigureColumns,
  "report_created_at",
  "raw",
  "file_index",
] as const;

export const userColumns = [
  "day",
  "user_id",
  "user_login",
  ...activityColumns,
  "used_agent",
  "used_chat",
  "used_cli",
  "used_copilot_code_review_active",
  "used_copilot_code_review_passive",
  "used_copilot_cloud_agent",
  "primary_ide",
  "primary_ide_activity",
  "ide_version",
  "plugin",
  "plugin_version",
  "ide_sampled_at",
  "cli_version",
  "cli_version_sampled_at",
  "cli_session_count",
  "cli_request_count",
  "cli_prompt_count",
  "cli_output_tokens_sum",
  "cli_prompt_tokens_sum",
  "ai_credits_used",
  "ai_adoption_phase",
  "ai_adoption_phase_number",
  ...featureFigureColumns,
  "cli_avg_tokens_per_request",
  "ai_adoption_phase_version",
  "ide_versions",
  "file_index",
] as const;

const value = (input: number | string | boolean | null | undefined): CellValue => input ?? null;

function counterCells(source: {
  code_generation_activity_count?: number | null | undefined;
  code_acceptance_activity_count?: number | null | undefined;
  loc_suggested_to_add_sum?: number | null | undefined;
  loc_suggested_to_delete_sum?: number | null | undefined;
  loc_added_sum?: number | null | undefined;
  loc_deleted_sum?: number | null | undefined;
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

type FeatureEntry = NonNullable<UserRecord["totals_by_feature"]>[number];

/**
 * Each feature's figures, summed over its `totals_by_feature[]` entries (GitHub sends one per
 * feature, but nothing forbids more). A feature without an entry had no activity: NULL, as for any
 * figure GitHub leaves out.
 */
function featureSums(entries: readonly FeatureEntry[] | null | undefined): Map<string, number | null> {
  const sums = new Map<string, number | null>();
  for (const entry of entries ?? []) {
    const feature = featureColumnNames.find((name) => name === entry.feature);
    if (feature === undefined) continue;
    for (const [figure, field] of Object.entries(featureFigures) as Array<[Figure, (typeof featureFigures)[Figure]]>) {
      const column = featureColumn(feature, figure);
      const add = entry[field];
      const sum = sums.get(column);
      sums.set(column, add === undefined || add === null ? (sum ?? null) : (sum ?? 0) + add);
    }
  }
  return sums;
}

/** The modes' interactions (in the columns' old place), then the other figures (after the old columns). */
function featureCells(entries: readonly FeatureEntry[] | null | undefined): { modes: Row; figures: Row } {
  const sums = featureSums(entries);
  return {
    modes: chatModeFeatures.map((mode) => sums.get(mode) ?? null),
    figures: featureFigureColumns.map((column) => sums.get(column) ?? null),
  };
}

/** The `pull_requests` block, in the pr_* column order shared by daily and repository rows. */
function pullRequestCells(pr: AggregateRecord["pull_requests"]): Row {
  return [
    value(pr?.total_created),
    value(pr?.total_reviewed),
    value(pr?.total_merged),
    value(pr?.median_minutes_to_merge),
    value(pr?.total_suggestions),
    value(pr?.total_applied_suggestions),
    value(pr?.total_created_by_copilot),
    value(pr?.total_reviewed_by_copilot),
    value(pr?.total_merged_created_by_copilot),
    value(pr?.total_merged_reviewed_by_copilot),
    value(pr?.median_minutes_to_merge_copilot_authored),
    value(pr?.median_minutes_to_merge_copilot_reviewed),
    value(pr?.total_copilot_suggestions),
    value(pr?.total_copilot_applied_suggestions),
  ];
}

/** A daily row; `reportCreatedAt` is the 28-day report's `created_at` (a 1-day report has none). */
export function toDailyRow(record: AggregateRecord, raw: unknown, fileIndex: number, reportCreatedAt: string | null): Row {
  const cli = record.totals_by_cli;
  const pr = record.pull_requests;
  const features = featureCells(record.totals_by_feature);
  return [
    record.day,
    value(record.daily_active_users),
    value(record.weekly_active_users),
    value(record.monthly_active_users),
    value(record.monthly_active_chat_users),
    value(record.monthly_active_agent_users),
    value(record.daily_active_cli_users),
    value(record.daily_active_copilot_code_review_users),
    value(record.weekly_active_copilot_code_review_users),
    value(record.monthly_active_copilot_code_review_users),
    value(record.daily_passive_copilot_code_review_users),
    value(record.weekly_passive_copilot_code_review_users),
    value(record.monthly_passive_copilot_code_review_users),
    value(record.daily_active_copilot_cloud_agent_users),
    value(record.weekly_active_copilot_cloud_agent_users),
    value(record.monthly_active_copilot_cloud_agent_users),
    value(record.user_initiated_interaction_count),
    ...features.modes,
    ...counterCells(record),
    value(cli?.session_count),
    value(cli?.request_count),
    value(cli?.prompt_count),
    value(cli?.token_usage?.output_tokens_sum),
    value(cli?.token_usage?.prompt_tokens_sum),
    value(cli?.token_usage?.avg_tokens_per_request),
    ...pullRequestCells(pr),
    ...features.figures,
    reportCreatedAt,
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
  const features = featureCells(record.totals_by_feature);
  return [
    record.day,
    record.user_id,
    record.user_login,
    value(record.user_initiated_interaction_count),
    ...features.modes,
    ...counterCells(record),
    value(record.used_agent),
    value(record.used_chat),
    value(record.used_cli),
    value(record.used_copilot_code_review_active),
    value(record.used_copilot_code_review_passive),
    value(record.used_copilot_cloud_agent ?? record.used_copilot_coding_agent),
    value(primary?.ide),
    primary === undefined ? null : primaryActivity,
    value(primary?.last_known_ide_version?.ide_version),
    emptyToNull(primary?.last_known_plugin_version?.plugin),
    emptyToNull(primary?.last_known_plugin_version?.plugin_version),
    value(primary?.last_known_ide_version?.sampled_at ?? primary?.last_known_plugin_version?.sampled_at),
    value(cli?.last_known_cli_version?.cli_version),
    value(cli?.last_known_cli_version?.sampled_at),
    value(cli?.session_count),
    value(cli?.request_count),
    value(cli?.prompt_count),
    value(cli?.token_usage?.output_tokens_sum),
    value(cli?.token_usage?.prompt_tokens_sum),
    value(record.ai_credits_used),
    phase?.phase === undefined || phase.phase === null ? null : String(phase.phase),
    value(phase?.phase_number),
    ...features.figures,
    value(cli?.token_usage?.avg_tokens_per_request),
    phase?.version === undefined || phase.version === null ? null : String(phase.version),
    ideVersions(record.totals_by_ide),
    fileIndex,
  ];
}

/**
 * Every IDE's last known IDE and plugin versions, as JSON for the `ide_versions` column: the
 * primary IDE's columns show one of them only.
 */
function ideVersions(ides: UserRecord["totals_by_ide"]): CellValue {
  const versions = (ides ?? [])
    .filter((item) => item.last_known_ide_version != null || item.last_known_plugin_version != null)
    .map((item) => ({
      ide: item.ide ?? null,
      ide_version: item.last_known_ide_version?.ide_version ?? null,
      ide_sampled_at: item.last_known_ide_version?.sampled_at ?? null,
      plugin: emptyToNull(item.last_known_plugin_version?.plugin),
      plugin_version: emptyToNull(item.last_known_plugin_version?.plugin_version),
      plugin_sampled_at: item.last_known_plugin_version?.sampled_at ?? null,
    }));
  return versions.length === 0 ? null : JSON.stringify(versions);
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
  "day",
  "repository",
  "repository_id",
  "repo_visibility",
  ...pullRequestColumns,
  "repository_owner",
  "repository_name",
  "raw",
  "file_index",
] as const;

export function toRepositoryRow(record: RepositoryRecord, raw: unknown, fileIndex: number): Row {
  const owner = emptyToNull(record.repo_owner_name);
  const name = emptyToNull(record.repo_name);
  return [
    record.day,
    // owner/name for reading; the id is the key
    owner === null ? name : name === null ? owner : `${owner}/${name}`,
    record.repo_id,
    value(record.repo_visibility),
    ...pullRequestCells(record.pull_requests),
    owner,
    name,
    JSON.stringify(raw),
    fileIndex,
  ];
}
