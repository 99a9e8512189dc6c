import { sqlFile } from "../db/index.js";
import type { ColumnType } from "./csv-format.js";

export interface DatasetColumn {
  name: string;
  type: ColumnType;
}

/**
 * One CSV dataset of DESIGN §5: its query (parameters: $1 the first day kept, by
 * EXPORT_RETENTION_MONTHS), its columns in file order (columns are only ever added at the end),
 * and whether it is one file or one file per month.
 */
export interface Dataset {
  name: string;
  sql: string;
  columns: DatasetColumn[];
  partition: "none" | "month";
}

const integers = (...names: string[]): DatasetColumn[] => names.map((name) => ({ name, type: "integer" }));
const decimals = (...names: string[]): DatasetColumn[] => names.map((name) => ({ name, type: "decimal" }));

export const copilotMetrics: Dataset = {
  name: "copilot_metrics",
  sql: sqlFile(import.meta.url, "copilot-metrics.sql"),
  partition: "none",
  columns: [
    { name: "enterprise", type: "text" },
    { name: "organization", type: "text" },
    { name: "day", type: "date" },
    ...integers(
      "daily_active_users", "weekly_active_users", "monthly_active_users", "monthly_active_chat_users",
      "monthly_active_agent_users", "daily_active_cli_users", "daily_active_copilot_code_review_users",
      "daily_active_copilot_cloud_agent_users", "user_initiated_interaction_count", "code_generation_activity_count",
      "code_acceptance_activity_count",
    ),
    ...decimals("acceptance_rate"),
    ...integers(
      "loc_suggested_to_add_sum", "loc_suggested_to_delete_sum", "loc_added_sum", "loc_deleted_sum",
      "chat_panel_agent_mode", "chat_panel_ask_mode", "chat_panel_custom_mode", "chat_panel_edit_mode",
      "chat_panel_plan_mode", "chat_panel_unknown_mode", "pull_requests_total_created", "pull_requests_total_reviewed",
      "pull_requests_total_merged", "pull_requests_total_created_by_copilot", "pull_requests_total_reviewed_by_copilot",
      "pull_requests_total_merged_created_by_copilot", "pull_requests_total_merged_reviewed_by_copilot",
    ),
    ...decimals("pull_requests_median_minutes_to_merge", "pull_requests_median_minutes_to_merge_copilot_authored"),
    ...integers("cli_session_count", "cli_request_count", "cli_prompt_count"),
  ],
};

export const datasets: Dataset[] = [copilotMetrics];

export function findDataset(name: string): Dataset {
  const dataset = datasets.find((candidate) => candidate.name === name);
  if (dataset === undefined) throw new Error(`Unknown dataset "${name}"; known: ${datasets.map((d) => d.name).join(", ")}.`);
  return dataset;
}
