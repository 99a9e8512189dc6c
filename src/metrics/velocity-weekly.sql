-- Stage 6: velocity per developer and week, rolled up per repository, organization and enterprise,
-- for the weeks of metric_weeks, from metric_repositories and metric_pull_requests. docs/metrics.md
-- states each definition. Parameters: $1 BOT_LOGINS (lower case), $2 the computation time. A
-- developer is a GitHub user id (a renamed login stays one developer, shown by its login); bots
-- are left out. Counts roll up by summing; medians and distinct developers are computed per level.
insert into velocity_weekly (
  enterprise, organization, repository_id, repository, developer, developer_id, week, developers, prs_opened, prs_merged,
  commits, reviews_given, cycle_time_median_hours, coding_time_median_hours, pickup_time_median_hours,
  review_time_median_hours, first_review_median_hours, lines_added, lines_deleted, copilot_developers,
  copilot_active_days, copilot_code_generations, copilot_code_acceptances, computed_at)
with
-- the weeks computed run from the first one to the current one, per enterprise
bounds as (
  select enterprise, min(week)::timestamp at time zone 'UTC' as starts from metric_weeks group by enterprise
),
-- what each developer did per repository and week: pull requests opened, pull requests merged
-- (with their lines), reviews submitted on someone else's pull request, default-branch commits
-- authored (a commit of an email linked to no account has no developer: it counts in the rollups)
counted as (
  select enterprise, week, repository_id, developer_id, max(developer) as developer, sum(opened) as prs_opened,
    sum(merged) as prs_merged, sum(reviews) as reviews_given, sum(commits) as commits, sum(added) as lines_added,
    sum(deleted) as lines_deleted
  from (
    select p.enterprise, metrics_week(p.created_at) as week, p.repository_id, p.author_id as developer_id,
      p.author_login as developer, 1 as opened, 0 as merged, 0 as reviews, 0 as commits, 0 as added, 0 as deleted
    from metric_pull_requests p join bounds b on b.enterprise = p.enterprise
    where p.created_at >= b.starts and not metrics_is_bot(p.author_login, $1::text[])
    union all
    select p.enterprise, metrics_week(p.merged_at), p.repository_id, p.author_id, p.author_login, 0, 1, 0, 0,
      coalesce(p.additions, 0), coalesce(p.deletions, 0)
    from metric_pull_requests p join bounds b on b.enterprise = p.enterprise
    where p.merged_at >= b.starts and not metrics_is_bot(p.author_login, $1::text[])
    union all
    select rv.enterprise, metrics_week(rv.submitted_at), rv.repository_id, rv.reviewer_id, rv.reviewer_login, 0, 0, 1, 0, 0, 0
    from pull_request_reviews rv
    join bounds b on b.enterprise = rv.enterprise
    join metric_pull_requests p on p.enterprise = rv.enterprise and p.repository_id = rv.repository_id and p.number = rv.pull_number
    where rv.submitted_at >= b.starts and metrics_is_review_by_other(rv.reviewer_login, rv.state, rv.submitted_at, p.author_login, $1::text[])
    union all
    select c.enterprise, metrics_week(c.authored_at), c.repository_id, c.author_id, c.author_login, 0, 0, 0, 1, 0, 0
    from commits c join bounds b on b.enterprise = c.enterprise
    where c.authored_at >= b.starts and not metrics_is_bot(c.author_login, $1::text[])
  ) done
  group by enterprise, week, repository_id, developer_id
),
-- Copilot per person and week: days with a Copilot record and the code counters, from the
-- enterprise-level record of a day where there is one, else one organization's
copilot_records as (
  select distinct on (c.enterprise, c.user_id, c.day) c.enterprise, c.user_id, date_trunc('week', c.day)::date as week,
    c.code_generation_activity_count as generations, c.code_acceptance_activity_count as acceptances
  from copilot_user_daily c
  join bounds b on b.enterprise = c.enterprise
  where c.day >= b.starts::date
  order by c.enterprise, c.user_id, c.day, c.scope = 'enterprise' desc, c.code_generation_activity_count desc nulls last
),
copilot_weeks as (
  select enterprise, user_id, week, count(*) as active_days, sum(generations) as generations, sum(acceptances) as acceptances
  from copilot_records
  group by enterprise, user_id, week
),
-- developers per organization and week
developer_rows as (
  select c.enterprise, c.week, r.organization, c.developer_id, max(c.developer) as developer, sum(c.prs_opened) as prs_opened,
    sum(c.prs_merged) as prs_merged, sum(c.commits) as commits, sum(c.reviews_given) as reviews_given,
    sum(c.lines_added) as lines_added, sum(c.lines_deleted) as lines_deleted,
    coalesce(max(cw.active_days), 0) as copilot_days, coalesce(max(cw.generations), 0) as copilot_generations,
    coalesce(max(cw.acceptances), 0) as copilot_acceptances
  from counted c
  join metric_repositories r on r.enterprise = c.enterprise and r.repository_id = c.repository_id
  left join copilot_weeks cw on cw.enterprise = c.enterprise and cw.user_id = c.developer_id and cw.week = c.week
  where c.developer_id is not null
  group by c.enterprise, c.week, r.organization, c.developer_id
),
-- repositories per week: each row of `counted` is one developer (or the unlinked commits)
repository_rows as (
  select c.enterprise, c.week, r.organization, c.repository_id, count(c.developer_id) as developers,
    count(c.developer_id) filter (where cw.active_days > 0) as copilot_developers, sum(c.prs_opened) as prs_opened,
    sum(c.prs_merged) as prs_merged, sum(c.commits) as commits, sum(c.reviews_given) as reviews_given,
    sum(c.lines_added) as lines_added, sum(c.lines_deleted) as lines_deleted
  from counted c
  join metric_repositories r on r.enterprise = c.enterprise and r.repository_id = c.repository_id
  left join copilot_weeks cw on cw.enterprise = c.enterprise and cw.user_id = c.developer_id and cw.week = c.week
  group by c.enterprise, c.week, r.organization, c.repository_id
),
-- organizations per week: counts summed over their repositories, developers counted once
organization_rows as (
  select r.enterprise, r.week, r.organization, coalesce(d.developers, 0) as developers,
    coalesce(d.copilot_developers, 0) as copilot_developers, r.prs_opened, r.prs_merged, r.commits, r.reviews_given,
    r.lines_added, r.lines_deleted
  from (
    select enterprise, week, organization, sum(prs_opened) as prs_opened, sum(prs_merged) as prs_merged, sum(commits) as commits,
      sum(reviews_given) as reviews_given, sum(lines_added) as lines_added, sum(lines_deleted) as lines_deleted
    from repository_rows group by enterprise, week, organization
  ) r
  left join (
    select enterprise, week, organization, count(*) as developers, count(*) filter (where copilot_days > 0) as copilot_developers
    from developer_rows group by enterprise, week, organization
  ) d on d.enterprise = r.enterprise and d.week = r.week and d.organization = r.organization
),
-- the enterprise per week: a developer active in two organizations counts once
enterprise_rows as (
  select o.enterprise, o.week, coalesce(d.developers, 0) as developers, coalesce(d.copilot_developers, 0) as copilot_developers,
    o.prs_opened, o.prs_merged, o.commits, o.reviews_given, o.lines_added, o.lines_deleted
  from (
    select enterprise, week, sum(prs_opened) as prs_opened, sum(prs_merged) as prs_merged, sum(commits) as commits,
      sum(reviews_given) as reviews_given, sum(lines_added) as lines_added, sum(lines_deleted) as lines_deleted
    from organization_rows group by enterprise, week
  ) o
  left join (
    select enterprise, week, count(*) as developers, count(*) filter (where copilot) as copilot_developers
    from (select enterprise, week, developer_id, bool_or(copilot_days > 0) as copilot from developer_rows group by enterprise, week, developer_id) people
    group by enterprise, week
  ) d on d.enterprise = o.enterprise and d.week = o.week
),
-- the timings behind the medians: per pull request merged in the week, cycle time (opened ->
-- merged) and its parts, coding (first commit -> opened), pickup (opened -> first review), review
-- (first review -> merged), a review after the merge being no review of it; per pull request
-- whose first review came in the week, the wait for it
timings as (
  select p.enterprise, metrics_week(p.merged_at) as week, r.organization, p.repository_id, p.author_id as developer_id,
    date_part('epoch', p.merged_at - p.created_at) / 3600 as cycle,
    date_part('epoch', p.created_at - p.first_commit_at) / 3600 as coding,
    date_part('epoch', reviewed.at - p.created_at) / 3600 as pickup,
    date_part('epoch', p.merged_at - reviewed.at) / 3600 as review,
    null::double precision as first_review
  from metric_pull_requests p
  join bounds b on b.enterprise = p.enterprise
  join metric_repositories r on r.enterprise = p.enterprise and r.repository_id = p.repository_id
  cross join lateral (select case when p.first_review_at <= p.merged_at then p.first_review_at end as at) reviewed
  where p.merged_at >= b.starts and not metrics_is_bot(p.author_login, $1::text[])
  union all
  select p.enterprise, metrics_week(p.first_review_at), r.organization, p.repository_id, p.author_id, null, null, null, null,
    date_part('epoch', p.first_review_at - p.created_at) / 3600
  from metric_pull_requests p
  join bounds b on b.enterprise = p.enterprise
  join metric_repositories r on r.enterprise = p.enterprise and r.repository_id = p.repository_id
  where p.first_review_at >= b.starts and not metrics_is_bot(p.author_login, $1::text[])
),
-- the medians of every level in one pass, keyed like the rows: '' and 0 where rolled up
medians as (
  select enterprise, week,
    case when grouping(organization) = 1 then '' else organization end as organization,
    case when grouping(repository_id) = 1 then 0 else repository_id end as repository_id,
    -- 0 where rolled up, -1 for commits of no developer
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
),
-- every row, with the rollup number of its medians
rows_of_every_level as (
  select enterprise, week, organization, 0::bigint as repository_id, developer, developer_id, 2 as rollup, 1::bigint as developers,
    case when copilot_days > 0 then 1 else 0 end::bigint as copilot_developers, prs_opened, prs_merged, commits, reviews_given,
    lines_added, lines_deleted, copilot_days, copilot_generations, copilot_acceptances
  from developer_rows
  union all
  select enterprise, week, organization, repository_id, '', null, 1, developers, copilot_developers, prs_opened, prs_merged,
    commits, reviews_given, lines_added, lines_deleted, null, null, null
  from repository_rows
  union all
  select enterprise, week, organization, 0, '', null, 3, developers, copilot_developers, prs_opened, prs_merged, commits,
    reviews_given, lines_added, lines_deleted, null, null, null
  from organization_rows
  union all
  select enterprise, week, '', 0, '', null, 7, developers, copilot_developers, prs_opened, prs_merged, commits, reviews_given,
    lines_added, lines_deleted, null, null, null
  from enterprise_rows
)
select l.enterprise, l.organization, l.repository_id, case when l.rollup = 1 then coalesce(r.name, '') else '' end,
  l.developer, l.developer_id, l.week, l.developers, l.prs_opened, l.prs_merged, l.commits, l.reviews_given,
  m.cycle_time, m.coding_time, m.pickup_time, m.review_time, m.first_review_time, l.lines_added, l.lines_deleted,
  l.copilot_developers, l.copilot_days, l.copilot_generations, l.copilot_acceptances, $2
from rows_of_every_level l
left join medians m on m.rollup = l.rollup and m.enterprise = l.enterprise and m.week = l.week and m.organization = l.organization
  and m.repository_id = l.repository_id and m.developer_key = coalesce(l.developer_id, 0)
left join metric_repositories r on l.rollup = 1 and r.enterprise = l.enterprise and r.repository_id = l.repository_id
where l.week in (select k.week from metric_weeks k where k.enterprise = l.enterprise)
