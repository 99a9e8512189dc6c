import { sqlFile } from "../db/index.js";
import { booleans, decimals, integers, texts, type Dataset } from "./dataset-columns.js";

// The datasets computed from repository activity (DORA, velocity) and Copilot billing usage.

export const doraMetrics: Dataset = {
  name: "dora_metrics",
  sql: sqlFile(import.meta.url, "dora-metrics.sql"),
  partition: "none",
  grain: ["enterprise", "organization", "repository_id", "week"],
  columns: [
    ...texts("enterprise", "organization", "repository"),
    { name: "week", type: "date" },
    ...texts("deployment_source"),
    ...integers("deployments", "deployment_days"),
    ...decimals("deployment_frequency_per_day", "lead_time_median_hours"),
    ...integers("failed_deployments"),
    ...decimals("change_failure_rate"),
    ...integers("incidents"),
    ...decimals("recovery_time_median_hours"),
    ...texts("deployment_frequency_level", "lead_time_level", "change_failure_rate_level", "recovery_time_level"),
    ...integers("deployment_attempts", "deployment_days_28d", "lead_time_changes", "prs_deployed"),
    ...decimals(
      "pr_lead_time_median_hours",
      "coding_time_median_hours",
      "pickup_time_median_hours",
      "review_time_median_hours",
      "deploy_time_median_hours",
    ),
    ...integers("recovered_failures", "unrecovered_failures", "rework_deployments"),
    ...decimals("rework_rate"),
    ...integers("repository_id"),
  ],
};

export const velocityMetrics: Dataset = {
  name: "velocity_metrics",
  sql: sqlFile(import.meta.url, "velocity-metrics.sql"),
  partition: "none",
  grain: ["enterprise", "organization", "repository_id", "developer", "week"],
  columns: [
    ...texts("enterprise", "organization", "repository"),
    { name: "developer", type: "user" },
    { name: "week", type: "date" },
    ...integers("prs_opened", "prs_merged", "commits"),
    ...decimals("cycle_time_median_hours", "first_review_median_hours"),
    ...integers("reviews_given", "lines_added", "lines_deleted", "copilot_active_days", "copilot_code_acceptances", "developers"),
    ...decimals("coding_time_median_hours", "pickup_time_median_hours", "review_time_median_hours"),
    ...integers("copilot_code_generations", "copilot_developers", "repository_id"),
  ],
};

const billingAmounts = decimals(
  "price_per_unit",
  "gross_quantity",
  "gross_amount",
  "discount_quantity",
  "discount_amount",
  "net_quantity",
  "net_amount",
);

/**
 * Copilot billing usage of all users: premium requests before 2026-06-01, AI credits from then on
 * (`unit`). The `user` column predates the split into two datasets and is always empty here: the
 * per-person rows are premium_requests_by_user, so a plain SUM over either file is right.
 */
export const premiumRequests: Dataset = {
  name: "premium_requests",
  sql: sqlFile(import.meta.url, "premium-requests.sql"),
  partition: "none",
  grain: ["enterprise", "organization", "day", "product", "sku", "model"],
  columns: [
    ...texts("enterprise", "organization"),
    { name: "day", type: "date" },
    ...texts("product", "sku", "model"),
    { name: "user", type: "user" },
    ...texts("unit_type"),
    ...billingAmounts,
    ...texts("unit"),
  ],
};

/**
 * Each person's Copilot billing usage per month; never the all-users figure. `organization` (added
 * last) is the person's usage in one of BILLING_USAGE_ORGS, '' the rest of it in the enterprise.
 */
export const premiumRequestsByUser: Dataset = {
  name: "premium_requests_by_user",
  sql: sqlFile(import.meta.url, "premium-requests-by-user.sql"),
  partition: "none",
  grain: ["enterprise", "month", "product", "sku", "model", "user", "organization"],
  columns: [
    ...texts("enterprise"),
    { name: "month", type: "date" },
    ...texts("product", "sku", "model"),
    { name: "user", type: "user" },
    ...texts("unit_type"),
    ...billingAmounts,
    ...texts("unit"),
    ...booleans("user_resolved"),
    ...texts("organization"),
  ],
};
