-- Stage 7: DORA per repository and week, rolled up per organization and enterprise, for the weeks
-- of metric_weeks, from the earlier stages (metric_repositories, dora_events, dora_outcomes,
-- dora_changes, dora_shipped, metric_pull_requests). docs/metrics.md states each definition.
-- Parameters: $1 INCIDENT_LABELS (lower case), $2 the computation time.
insert into dora_weekly (
  enterprise, organization, repository_id, repository, week, deployment_source, deployments, deployment_days,
  deployment_frequency_per_day, deployment_days_28d, lead_time_changes, lead_time_median_hours, prs_deployed,
  pr_lead_time_median_hours, coding_time_median_hours, pickup_time_median_hours, review_time_median_hours,
  deploy_time_median_hours, deployment_attempts, failed_deployments, change_failure_rate, incidents, recovered_failures,
  unrecovered_failures, recovery_time_median_hours, rework_deployments, rework_rate, deployment_frequency_level,
  lead_time_level, change_failure_rate_level, recovery_time_level, computed_at)
with
-- the weeks to compute, as UTC time ranges
weeks as (
  select enterprise, week, week::timestamp at time zone 'UTC' as starts, (week + 7)::timestamp at time zone 'UTC' as ends
  from metric_weeks
),
-- each shipped pull request's lead time and its parts: coding (first commit -> opened), pickup
-- (opened -> first review), review (first review -> merged), deploy (merged -> deployment); a
-- review after the merge is no review of it (metric_pull_requests.reviewed_at)
pull_request_times as (
  select s.enterprise, r.organization, s.repository_id, metrics_week(s.at) as week,
    date_part('epoch', s.at - coalesce(p.first_commit_at, p.created_at)) / 3600 as total,
    date_part('epoch', p.created_at - p.first_commit_at) / 3600 as coding,
    date_part('epoch', p.reviewed_at - p.created_at) / 3600 as pickup,
    date_part('epoch', p.merged_at - p.reviewed_at) / 3600 as review,
    date_part('epoch', s.at - p.merged_at) / 3600 as deploy
  from dora_shipped s
  join metric_pull_requests p on p.enterprise = s.enterprise and p.repository_id = s.repository_id and p.number = s.number
  join metric_repositories r on r.enterprise = s.enterprise and r.repository_id = s.repository_id
),
-- incident issues opened in the week
opened_incidents as (
  select x.enterprise, s.organization, x.repository_id, k.week
  from incidents x
  join weeks k on k.enterprise = x.enterprise and k.week = metrics_week(x.created_at)
    and x.created_at >= k.starts and x.created_at < k.ends
  join metric_repositories s on s.enterprise = x.enterprise and s.repository_id = x.repository_id
  where exists (select 1 from unnest(x.labels) label where lower(label) = any($1::text[]))
),
-- days with a successful event in the 28 days that end with each week: an event counts for its
-- week and the three after it
deployment_days as (
  select e.enterprise, e.organization, e.repository_id, k.week, e.day
  from dora_events e
  cross join lateral (values (e.week), (e.week + 7), (e.week + 14), (e.week + 21)) later (week)
  join metric_weeks k on k.enterprise = e.enterprise and k.week = later.week
  where e.succeeded
),
-- every repository being synced gets a row for each week (zeros rather than nothing), with the
-- source it uses that week
presence as (
  select s.enterprise, s.organization, s.repository_id, k.week,
    case
      when s.first_deployment < k.ends then 'deployment'
      when s.first_workflow < k.ends then 'workflow'
      else 'pull_request' end as source
  from metric_repositories s
  join weeks k on k.enterprise = s.enterprise
  where s.status in ('active', 'empty') and (s.created_at is null or s.created_at < k.ends)
),
-- the facts counted (one row per event, incident, deployment day and repository), so that one
-- grouping pass yields repositories, organizations and enterprises
count_facts as (
  select enterprise, organization, repository_id, week, 'presence' as kind, source, null::boolean as succeeded,
    null::boolean as failed, null::boolean as rework, null::double precision as recovery, null::date as day
  from presence
  union all
  select enterprise, organization, repository_id, week, 'event', source, succeeded, failed, rework, recovery, day
  from dora_outcomes
  union all
  select enterprise, organization, repository_id, week, 'incident', null, null, null, null, null, null
  from opened_incidents
  union all
  select enterprise, organization, repository_id, week, 'deployment_day', null, null, null, null, null, day
  from deployment_days
),
-- the three levels of each aggregation are keyed alike: '' and 0 where rolled up (week before
-- organization, so that one sort serves all three grouping sets)
counts as (
  select enterprise, week,
    case when grouping(organization) = 1 then '' else organization end as organization,
    case when grouping(repository_id) = 1 then 0 else repository_id end as repository_id,
    grouping(organization, repository_id) as rollup,
    case when count(distinct source) filter (where kind = 'presence') = 1 then min(source) filter (where kind = 'presence')
         when count(distinct source) filter (where kind = 'presence') > 1 then 'mixed'
         else coalesce(min(source) filter (where kind = 'event'), 'pull_request') end as deployment_source,
    count(*) filter (where kind = 'event' and succeeded) as deployments,
    count(distinct day) filter (where kind = 'event' and succeeded) as deployment_days,
    count(distinct day) filter (where kind = 'deployment_day') as deployment_days_28d,
    count(*) filter (where kind = 'event') as deployment_attempts,
    count(*) filter (where kind = 'event' and failed) as failed_deployments,
    count(*) filter (where kind = 'incident') as incidents,
    count(*) filter (where kind = 'event' and failed and recovery is not null) as recovered_failures,
    count(*) filter (where kind = 'event' and failed and recovery is null) as unrecovered_failures,
    percentile_cont(0.5) within group (order by recovery) filter (where kind = 'event' and failed) as recovery_time,
    count(*) filter (where kind = 'event' and succeeded and rework) as rework_deployments
  from count_facts
  group by grouping sets ((enterprise, week, organization, repository_id), (enterprise, week, organization), (enterprise, week))
),
lead_times as (
  select enterprise, week,
    case when grouping(organization) = 1 then '' else organization end as organization,
    case when grouping(repository_id) = 1 then 0 else repository_id end as repository_id,
    count(*) as lead_time_changes,
    percentile_cont(0.5) within group (order by hours) as lead_time
  from dora_changes
  group by grouping sets ((enterprise, week, organization, repository_id), (enterprise, week, organization), (enterprise, week))
),
pull_request_figures as (
  select enterprise, week,
    case when grouping(organization) = 1 then '' else organization end as organization,
    case when grouping(repository_id) = 1 then 0 else repository_id end as repository_id,
    count(*) as prs_deployed,
    percentile_cont(0.5) within group (order by case when total > 0 then total end) as pr_lead_time,
    percentile_cont(0.5) within group (order by case when coding >= 0 then coding end) as coding_time,
    percentile_cont(0.5) within group (order by case when pickup >= 0 then pickup end) as pickup_time,
    percentile_cont(0.5) within group (order by case when review >= 0 then review end) as review_time,
    percentile_cont(0.5) within group (order by case when deploy >= 0 then deploy end) as deploy_time
  from pull_request_times
  group by grouping sets ((enterprise, week, organization, repository_id), (enterprise, week, organization), (enterprise, week))
)
select c.enterprise, c.organization, c.repository_id, case when c.rollup = 0 then coalesce(r.name, '') else '' end,
  c.week, c.deployment_source, c.deployments, c.deployment_days, round(c.deployments / 7.0, 4), c.deployment_days_28d,
  coalesce(l.lead_time_changes, 0), l.lead_time, coalesce(p.prs_deployed, 0), p.pr_lead_time, p.coding_time, p.pickup_time,
  p.review_time, p.deploy_time, c.deployment_attempts, c.failed_deployments,
  c.failed_deployments::numeric / nullif(c.deployment_attempts, 0), c.incidents, c.recovered_failures,
  c.unrecovered_failures, c.recovery_time, c.rework_deployments, c.rework_deployments::numeric / nullif(c.deployments, 0),
  frequency_level.level, lead_time_level.level, failure_level.level, recovery_level.level, $2
from counts c
left join lead_times l on l.enterprise = c.enterprise and l.week = c.week and l.organization = c.organization and l.repository_id = c.repository_id
left join pull_request_figures p on p.enterprise = c.enterprise and p.week = c.week and p.organization = c.organization and p.repository_id = c.repository_id
left join metric_repositories r on c.rollup = 0 and r.enterprise = c.enterprise and r.repository_id = c.repository_id
left join lateral metrics_dora_level('deployment_frequency', c.deployment_days_28d) frequency_level on true
left join lateral metrics_dora_level('lead_time', l.lead_time::numeric) lead_time_level on true
left join lateral metrics_dora_level('change_failure_rate', c.failed_deployments::numeric / nullif(c.deployment_attempts, 0)) failure_level on true
left join lateral metrics_dora_level('recovery_time', c.recovery_time::numeric) recovery_level on true
