-- copilot_repo_metrics: enterprise x organization ('' for the enterprise report) x repository id x day,
-- Copilot pull-request activity from repos-1-day, one row per repository id. $1 is the first day kept.
select
  enterprise, organization, repository, day, repo_visibility,
  pr_total_created, pr_total_reviewed, pr_total_merged, pr_total_created_by_copilot, pr_total_reviewed_by_copilot,
  pr_total_merged_created_by_copilot, pr_total_merged_reviewed_by_copilot, pr_total_suggestions,
  pr_total_applied_suggestions, pr_total_copilot_suggestions, pr_total_copilot_applied_suggestions,
  pr_median_minutes_to_merge, pr_median_minutes_to_merge_copilot_authored, pr_median_minutes_to_merge_copilot_reviewed,
  repository_id, repository_owner, repository_name
from copilot_repo_daily
where day >= $1
order by enterprise, organization, repository, repository_id, day
