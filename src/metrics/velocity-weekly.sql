-- Stage 10: velocity per developer and week, rolled up per repository, organization and enterprise,
-- for the weeks of metric_weeks, from metric_repositories, metric_pull_requests and
-- velocity_counted, velocity_medians. docs/metrics.md states each definition. Parameter: $1 the
-- computation time. A developer is a GitHub user id (a renamed login stays one
-- developer, shown by its login); bots are left out. Counts roll up by summing; medians and
-- distinct developers are computed per level.
insert into velocity_weekly (
  enterprise, organization, repository_id, repository, developer, developer_id, week, developers, prs_opened, prs_merged,
  commits, reviews_given, cycle_time_median_hours, coding_time_median_hours, pickup_time_median_hours,
  review_time_median_hours, first_review_median_hours, lines_added, lines_deleted, copilot_developers,
  copilot_active_days, copilot_code_generations, copilot_code_acceptances, computed_at)
with
-- Copilot per person and week: days with a Copilot record and the code counters, from the
-- enterprise-level record of a day where there is one, else one organization's
copilot_records as (
  select distinct on (c.enterprise, c.user_id, c.day) c.enterprise, c.user_id, date_trunc('week', c.day)::date as week,
    c.code_generation_activity_count as generations, c.code_acceptance_activity_count as acceptances
  from copilot_user_daily c
  join metric_bounds b on b.enterprise = c.enterprise
  where c.day >= b.starts::date and c.day < b.ends::date
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
  from velocity_counted c
  join metric_repositories r on r.enterprise = c.enterprise and r.repository_id = c.repository_id
  left join copilot_weeks cw on cw.enterprise = c.enterprise and cw.user_id = c.developer_id and cw.week = c.week
  where c.developer_id is not null
  group by c.enterprise, c.week, r.organization, c.developer_id
),
-- repositories per week: each row of velocity_counted is one developer (or the unlinked commits)
repository_rows as (
  select c.enterprise, c.week, r.organization, c.repository_id, count(c.developer_id) as developers,
    count(c.developer_id) filter (where cw.active_days > 0) as copilot_developers, sum(c.prs_opened) as prs_opened,
    sum(c.prs_merged) as prs_merged, sum(c.commits) as commits, sum(c.reviews_given) as reviews_given,
    sum(c.lines_added) as lines_added, sum(c.lines_deleted) as lines_deleted
  from velocity_counted c
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
-- every row, with the rollup number of its medians
rows_of_every_level as (
  select enterprise, week, organization, 0::bigint as repository_id, developer, developer_id, developer_id as developer_key,
    2 as rollup, 1::bigint as developers,
    case when copilot_days > 0 then 1 else 0 end::bigint as copilot_developers, prs_opened, prs_merged, commits, reviews_given,
    lines_added, lines_deleted, copilot_days, copilot_generations, copilot_acceptances
  from developer_rows
  union all
  select enterprise, week, organization, repository_id, '', null, 0, 1, developers, copilot_developers, prs_opened, prs_merged,
    commits, reviews_given, lines_added, lines_deleted, null, null, null
  from repository_rows
  union all
  select enterprise, week, organization, 0, '', null, 0, 3, developers, copilot_developers, prs_opened, prs_merged, commits,
    reviews_given, lines_added, lines_deleted, null, null, null
  from organization_rows
  union all
  select enterprise, week, '', 0, '', null, 0, 7, developers, copilot_developers, prs_opened, prs_merged, commits, reviews_given,
    lines_added, lines_deleted, null, null, null
  from enterprise_rows
)
select l.enterprise, l.organization, l.repository_id, case when l.rollup = 1 then coalesce(r.name, '') else '' end,
  l.developer, l.developer_id, l.week, l.developers, l.prs_opened, l.prs_merged, l.commits, l.reviews_given,
  m.cycle_time, m.coding_time, m.pickup_time, m.review_time, m.first_review_time, l.lines_added, l.lines_deleted,
  l.copilot_developers, l.copilot_days, l.copilot_generations, l.copilot_acceptances, $1
from rows_of_every_level l
left join velocity_medians m on m.rollup = l.rollup and m.enterprise = l.enterprise and m.week = l.week and m.organization = l.organization
  and m.repository_id = l.repository_id and m.developer_key = l.developer_key
left join metric_repositories r on l.rollup = 1 and r.enterprise = l.enterprise and r.repository_id = l.repository_id
