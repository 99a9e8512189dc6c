-- dora_metrics: enterprise x organization x repository x week (Monday, UTC), from dora_weekly.
-- organization '' is the enterprise's row, repository '' an organization's (docs/metrics.md).
-- $1: the first day kept; a week is kept when it ends after it.
select
  enterprise, organization, repository, week, deployment_source,
  deployments, deployment_days, deployment_frequency_per_day, lead_time_median_hours, failed_deployments,
  change_failure_rate, incidents, recovery_time_median_hours,
  deployment_frequency_level, lead_time_level, change_failure_rate_level, recovery_time_level,
  deployment_attempts, deployment_days_28d, lead_time_changes, prs_deployed, pr_lead_time_median_hours,
  coding_time_median_hours, pickup_time_median_hours, review_time_median_hours, deploy_time_median_hours,
  recovered_failures, unrecovered_failures, rework_deployments, rework_rate, repository_id
from dora_weekly
where week > $1::date - 7
order by enterprise, organization, repository, repository_id, week
