-- Stage 9: the medians of velocity, per developer, repository, organization and enterprise and week
-- of metric_weeks, from metric_pull_requests ($1 BOT_LOGINS, lower case).
create temporary table velocity_medians on commit drop as
with
-- the timings behind the medians: per pull request merged in the week, cycle time (opened ->
-- merged) and its parts, coding (first commit -> opened), pickup (opened -> first review), review
-- (first review -> merged), a review after the merge being no review of it
-- (metric_pull_requests.reviewed_at); per pull request
-- whose first review came in the week, the wait for it
timings as (
  select p.enterprise, metrics_week(p.merged_at) as week, r.organization, p.repository_id, p.author_id as developer_id,
    date_part('epoch', p.merged_at - p.created_at) / 3600 as cycle,
    date_part('epoch', p.created_at - p.first_commit_at) / 3600 as coding,
    date_part('epoch', p.reviewed_at - p.created_at) / 3600 as pickup,
    date_part('epoch', p.merged_at - p.reviewed_at) / 3600 as review,
    null::double precision as first_review
  from metric_pull_requests p
  join metric_bounds b on b.enterprise = p.enterprise
  join metric_repositories r on r.enterprise = p.enterprise and r.repository_id = p.repository_id
  where p.merged_at >= b.starts and p.merged_at < b.ends and not metrics_is_bot(p.author_login, $1::text[])
  union all
  select p.enterprise, metrics_week(p.first_review_at), r.organization, p.repository_id, p.author_id, null, null, null, null,
    date_part('epoch', p.first_review_at - p.created_at) / 3600
  from metric_pull_requests p
  join metric_bounds b on b.enterprise = p.enterprise
  join metric_repositories r on r.enterprise = p.enterprise and r.repository_id = p.repository_id
  where p.first_review_at >= b.starts and p.first_review_at < b.ends and not metrics_is_bot(p.author_login, $1::text[])
)
-- the medians of every level in one pass, keyed like the rows: '' and 0 where rolled up
select enterprise, week,
  case when grouping(organization) = 1 then '' else organization end as organization,
  case when grouping(repository_id) = 1 then 0 else repository_id end as repository_id,
  -- 0 where rolled up, -1 for the pull requests of a deleted account
  case when grouping(developer_id) = 1 then 0 else coalesce(developer_id, -1) end as developer_key,
  grouping(organization, repository_id, developer_id) as rollup,
  percentile_cont(0.5) within group (order by case when cycle >= 0 then cycle end) as cycle_time,
  percentile_cont(0.5) within group (order by case when coding >= 0 then coding end) as coding_time,
  percentile_cont(0.5) within group (order by case when pickup >= 0 then pickup end) as pickup_time,
  percentile_cont(0.5) within group (order by case when review >= 0 then review end) as review_time,
  percentile_cont(0.5) within group (order by case when first_review >= 0 then first_review end) as first_review_time
from timings
group by grouping sets (
  (enterprise, week, organization, developer_id),
  (enterprise, week, organization, repository_id),
  (enterprise, week, organization),
  (enterprise, week))
