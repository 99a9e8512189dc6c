import { sqlFile } from "../db/index.js";
import { featureFigureColumns } from "../ingest/index.js";
import { copilotRepoMetrics, copilotSeats, copilotTeamMetrics } from "./adoption-datasets.js";
import { booleans, decimals, integers, texts, type Dataset } from "./dataset-columns.js";
import { doraMetrics, premiumRequests, premiumRequestsByUser, velocityMetrics } from "./metrics-datasets.js";

export type { Dataset } from "./dataset-columns.js";

export const copilotMetrics: Dataset = {
  name: "copilot_metrics",
  sql: sqlFile(import.meta.url, "copilot-metrics.sql"),
  partition: "none",
  grain: ["enterprise", "organization", "day"],
  columns: [
    { name: "enterprise", type: "text" },
    { name: "organization", type: "text" },
    { name: "day", type: "date" },
    ...integers(
      "daily_active_users",
      "weekly_active_users",
      "monthly_active_users",
      "monthly_active_chat_users",
      "monthly_active_agent_users",
      "daily_active_cli_users",
      "daily_active_copilot_code_review_users",
      "daily_active_copilot_cloud_agent_users",
      "user_initiated_interaction_count",
      "code_generation_activity_count",
      "code_acceptance_activity_count",
    ),
    ...decimals("acceptance_rate"),
    ...integers(
      "loc_suggested_to_add_sum",
      "loc_suggested_to_delete_sum",
      "loc_added_sum",
      "loc_deleted_sum",
      "chat_panel_agent_mode",
      "chat_panel_ask_mode",
      "chat_panel_custom_mode",
      "chat_panel_edit_mode",
      "chat_panel_plan_mode",
      "chat_panel_unknown_mode",
      "pull_requests_total_created",
      "pull_requests_total_reviewed",
      "pull_requests_total_merged",
      "pull_requests_total_created_by_copilot",
      "pull_requests_total_reviewed_by_copilot",
      "pull_requests_total_merged_created_by_copilot",
      "pull_requests_total_merged_reviewed_by_copilot",
    ),
    ...decimals("pull_requests_median_minutes_to_merge", "pull_requests_median_minutes_to_merge_copilot_authored"),
    ...integers("cli_session_count", "cli_request_count", "cli_prompt_count"),
    ...integers(...featureFigureColumns),
  ],
};

/** The counters every breakdown row and user row shares with the daily totals. */
const activityCounters = integers(
  "user_initiated_interaction_count",
  "code_generation_activity_count",
  "code_acceptance_activity_count",
  "loc_suggested_to_add_sum",
  "loc_suggested_to_delete_sum",
  "loc_added_sum",
  "loc_deleted_sum",
);

export const copilotBreakdown: Dataset = {
  name: "copilot_breakdown",
  sql: sqlFile(import.meta.url, "copilot-breakdown.sql"),
  partition: "month",
  grain: ["enterprise", "organization", "day", "dimension", "ide", "feature", "language", "model"],
  columns: [
    ...texts("enterprise", "organization"),
    { name: "day", type: "date" },
    ...texts("dimension", "ide", "feature", "language", "model"),
    ...activityCounters,
  ],
};

export const copilotUserMetrics: Dataset = {
  name: "copilot_user_metrics",
  sql: sqlFile(import.meta.url, "copilot-user-metrics.sql"),
  partition: "month",
  grain: ["enterprise", "organization", "day", "user"],
  columns: [
    ...texts("enterprise", "organization"),
    { name: "day", type: "date" },
    { name: "user", type: "user" },
    ...activityCounters,
    ...integers(
      "chat_panel_agent_mode",
      "chat_panel_ask_mode",
      "chat_panel_custom_mode",
      "chat_panel_edit_mode",
      "chat_panel_plan_mode",
      "chat_panel_unknown_mode",
    ),
    ...booleans(
      "used_chat",
      "used_agent",
      "used_cli",
      "used_copilot_code_review_active",
      "used_copilot_code_review_passive",
      "used_copilot_cloud_agent",
    ),
    ...texts("primary_ide", "ide_version", "plugin", "plugin_version", "cli_version"),
    ...integers("cli_session_count", "cli_request_count", "cli_prompt_count", "cli_output_tokens_sum", "cli_prompt_tokens_sum"),
    ...decimals("ai_credits_used"),
    ...texts("ai_adoption_phase"),
    ...integers("ai_adoption_phase_number"),
    ...integers(...featureFigureColumns),
    ...texts("ai_adoption_phase_version"),
  ],
};

export const collectionRuns: Dataset = {
  name: "collection_runs",
  sql: sqlFile(import.meta.url, "collection-runs.sql"),
  partition: "none",
  grain: ["run_id"],
  columns: [
    ...texts("run_id", "trigger", "status"),
    { name: "started_at", type: "timestamp" },
    { name: "finished_at", type: "timestamp" },
    ...decimals("duration_seconds"),
    { name: "range_from", type: "date" },
    { name: "range_to", type: "date" },
    ...integers("units_total", "units_ok", "units_pending", "units_failed", "records"),
    ...texts("publish_status"),
    ...integers("error_count"),
    { name: "oldest_newest_day", type: "date" },
    ...texts("freshness"),
  ],
};

export const datasets: Dataset[] = [
  copilotMetrics,
  copilotBreakdown,
  copilotUserMetrics,
  collectionRuns,
  copilotTeamMetrics,
  copilotSeats,
  copilotRepoMetrics,
  doraMetrics,
  velocityMetrics,
  premiumRequests,
  premiumRequestsByUser,
];

export function findDataset(name: string): Dataset {
  const dataset = datasets.find((candidate) => candidate.name === name);
  if (dataset === undefined) throw new Error(`Unknown dataset "${name}"; known: ${datasets.map((d) => d.name).join(", ")}.`);
  return dataset;
}
