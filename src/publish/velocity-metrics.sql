-- velocity_metrics: enterprise x organization x developer x week (Monday, UTC), from velocity_weekly,
-- with the repository, organization and enterprise rollups (developer empty; docs/metrics.md).
-- The developer is a `user` column: id, then login, shown per USER_IDENTITY.
-- $1: the first day kept; a week is kept when it ends after it.
select
  enterprise, organization, repository,
  case when developer = '' then null else developer_id end, nullif(developer, ''),
  week, prs_opened, prs_merged, commits, cycle_time_median_hours, first_review_median_hours, reviews_given,
  lines_added, lines_deleted, copilot_active_days, copilot_code_acceptances,
  developers, coding_time_median_hours, pickup_time_median_hours, review_time_median_hours,
  copilot_code_generations, copilot_developers, repository_id
from velocity_weekly
where week > $1::date - 7
order by enterprise, organization, repository, repository_id, week, developer_id nulls first, developer
