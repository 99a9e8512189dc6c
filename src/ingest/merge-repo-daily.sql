-- Repository rows of one report unit ($1 enterprise, $2 scope, $3 organization), one per repository
-- id and day: a name is unique only within its owner. A repository-day in several files is
-- combined: counters summed, medians the largest, the latest file's names, raw records kept as sent.
insert into copilot_repo_daily (
  enterprise, scope, organization, day, repository_id, repository, repository_owner, repository_name, repo_visibility,
  pr_total_created, pr_total_reviewed, pr_total_merged, pr_median_minutes_to_merge, pr_total_suggestions,
  pr_total_applied_suggestions, pr_total_created_by_copilot, pr_total_reviewed_by_copilot,
  pr_total_merged_created_by_copilot, pr_total_merged_reviewed_by_copilot, pr_median_minutes_to_merge_copilot_authored,
  pr_median_minutes_to_merge_copilot_reviewed, pr_total_copilot_suggestions, pr_total_copilot_applied_suggestions, raw
)
select
  $1, $2, $3, day, repository_id, (array_agg(repository order by file_index desc))[1],
  (array_agg(repository_owner order by file_index desc))[1], (array_agg(repository_name order by file_index desc))[1],
  (array_agg(repo_visibility order by file_index desc))[1],
  sum(pr_total_created), sum(pr_total_reviewed), sum(pr_total_merged), max(pr_median_minutes_to_merge),
  sum(pr_total_suggestions), sum(pr_total_applied_suggestions), sum(pr_total_created_by_copilot),
  sum(pr_total_reviewed_by_copilot), sum(pr_total_merged_created_by_copilot), sum(pr_total_merged_reviewed_by_copilot),
  max(pr_median_minutes_to_merge_copilot_authored), max(pr_median_minutes_to_merge_copilot_reviewed),
  sum(pr_total_copilot_suggestions), sum(pr_total_copilot_applied_suggestions),
  case when count(*) = 1 then (array_agg(raw))[1] else jsonb_agg(raw order by file_index) end
from stage_repo_daily
group by day, repository_id
