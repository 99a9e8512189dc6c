import { sqlFile } from "../db/index.js";
import { decimals, integers, texts, type Dataset } from "./dataset-columns.js";

// The adoption views: teams, seats (with the never-used ones) and per-repository pull requests.

export const copilotTeamMetrics: Dataset = {
  name: "copilot_team_metrics",
  sql: sqlFile(import.meta.url, "copilot-team-metrics.sql"),
  partition: "none",
  grain: ["enterprise", "organization", "day", "team_id"],
  columns: [
    ...texts("enterprise", "organization"),
    { name: "day", type: "date" },
    ...integers("team_id"),
    ...texts("team_slug"),
    ...integers(
      "members",
      "active_users",
      "engaged_users",
      "user_initiated_interaction_count",
      "code_generation_activity_count",
      "code_acceptance_activity_count",
    ),
    ...decimals("acceptance_rate"),
    ...integers("loc_suggested_to_add_sum", "loc_suggested_to_delete_sum", "loc_added_sum", "loc_deleted_sum"),
    ...decimals("ai_credits_used"),
    ...integers("seats"),
  ],
};

export const copilotSeats: Dataset = {
  name: "copilot_seats",
  sql: sqlFile(import.meta.url, "copilot-seats.sql"),
  partition: "month",
  grain: ["enterprise", "organization", "snapshot_day", "user"],
  columns: [
    ...texts("enterprise", "organization"),
    { name: "snapshot_day", type: "date" },
    { name: "user", type: "user" },
    ...texts("plan_type", "assigning_team"),
    { name: "created_at", type: "timestamp" },
    { name: "last_activity_at", type: "timestamp" },
    ...texts("last_activity_editor"),
    { name: "pending_cancellation_date", type: "date" },
    { name: "active_last_28_days", type: "boolean" },
    { name: "last_authenticated_at", type: "timestamp" },
  ],
};

export const copilotRepoMetrics: Dataset = {
  name: "copilot_repo_metrics",
  sql: sqlFile(import.meta.url, "copilot-repo-metrics.sql"),
  partition: "none",
  // One row per repository id: a name is unique only within its owner.
  grain: ["enterprise", "organization", "repository_id", "day"],
  columns: [
    ...texts("enterprise", "organization", "repository"),
    { name: "day", type: "date" },
    ...texts("repo_visibility"),
    ...integers(
      "pull_requests_total_created",
      "pull_requests_total_reviewed",
      "pull_requests_total_merged",
      "pull_requests_total_created_by_copilot",
      "pull_requests_total_reviewed_by_copilot",
      "pull_requests_total_merged_created_by_copilot",
      "pull_requests_total_merged_reviewed_by_copilot",
      "pull_requests_total_suggestions",
      "pull_requests_total_applied_suggestions",
      "pull_requests_total_copilot_suggestions",
      "pull_requests_total_copilot_applied_suggestions",
    ),
    ...decimals(
      "pull_requests_median_minutes_to_merge",
      "pull_requests_median_minutes_to_merge_copilot_authored",
      "pull_requests_median_minutes_to_merge_copilot_reviewed",
    ),
    ...integers("repository_id"),
    ...texts("repository_owner", "repository_name"),
  ],
};
