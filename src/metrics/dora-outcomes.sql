-- Stage 5: each event of the weeks computed with its failure signals and, when they are all
-- resolved, its recovery time in hours; and whether it shipped rework. From dora_events,
-- dora_shipped and metric_pull_requests. Parameters: $1 REVERT_PATTERN, $2 HOTFIX_PATTERN, $3 the
-- failure signals switched on, $4 INCIDENT_LABELS (lower case), $5 the earliest event's bound.
create temporary table dora_outcomes on commit drop as
with
-- the events of those weeks
week_events as (
  select e.* from dora_events e join metric_weeks k on k.enterprise = e.enterprise and k.week = e.week
),
-- each shipped pull request with what it is made of
shipped as (
  select s.enterprise, s.repository_id, s.event_id, s.at, p.number, p.head_ref, p.title
  from dora_shipped s
  join metric_pull_requests p on p.enterprise = s.enterprise and p.repository_id = s.repository_id and p.number = s.number
),
-- per successful event: whether it shipped a revert or a hotfix (rework)
rework as (
  select s.enterprise, s.repository_id, s.event_id,
    bool_or(metrics_is_revert(s.head_ref, s.title, $1) or metrics_is_hotfix(s.head_ref, s.title, $2)) as rework
  from shipped s
  group by s.enterprise, s.repository_id, s.event_id
),
-- merged reverts since the events were read, with the pull request each undoes
reverts as materialized (
  select p.enterprise, p.repository_id, target.number as reverted_number, p.merged_at
  from pull_requests p
  join (select enterprise, starts - interval '21 days' as reads_from from metric_bounds) b on b.enterprise = p.enterprise
  cross join lateral metrics_reverted_pull_request(p.enterprise, p.repository_id, p.head_ref, p.title, p.created_at, $1) target
  where 'revert' = any($3::text[]) and p.merged_at >= b.reads_from and p.merged_at >= $5::timestamptz and metrics_is_revert(p.head_ref, p.title, $1)
),
-- per successful event: the reverts, merged after it, of what it shipped (a failure signal,
-- resolved when the revert merged)
reverted as (
  select s.enterprise, s.repository_id, s.event_id, count(*) as reverts, max(r.merged_at) as resolved_at
  from shipped s
  join reverts r on r.enterprise = s.enterprise and r.repository_id = s.repository_id and r.reverted_number = s.number and r.merged_at > s.at
  group by s.enterprise, s.repository_id, s.event_id
),
-- each event of the weeks with its failure signals
event_facts as (
  select e.enterprise, e.organization, e.repository_id, e.week, e.event_id, e.source, e.at, e.day, e.succeeded,
    coalesce(rw.rework, false) as rework,
    (not e.succeeded and 'deployment_status' = any($3::text[])) as status_failure,
    e.next_success_at, i.incidents, i.open_incidents, i.closed_at, rv.reverts, rv.resolved_at as reverted_at
  from week_events e
  left join rework rw on rw.enterprise = e.enterprise and rw.repository_id = e.repository_id and rw.event_id = e.event_id
  left join reverted rv on rv.enterprise = e.enterprise and rv.repository_id = e.repository_id and rv.event_id = e.event_id
  -- incidents opened in a successful event's window [event, next successful event)
  cross join lateral (
    select count(*) as incidents, count(*) filter (where x.closed_at is null) as open_incidents, max(x.closed_at) as closed_at
    from incidents x
    where e.succeeded and 'incident' = any($3::text[])
      and x.enterprise = e.enterprise and x.repository_id = e.repository_id
      and x.created_at >= e.at and x.created_at < coalesce(e.next_success_at, 'infinity')
      and exists (select 1 from unnest(x.labels) label where lower(label) = any($4::text[]))
  ) i
)
select f.enterprise, f.organization, f.repository_id, f.week, f.event_id, f.source, f.at, f.day, f.succeeded, f.rework,
  f.status_failure or f.incidents > 0 or coalesce(f.reverts, 0) > 0 as failed,
  -- recovered when every signal is resolved: a failed attempt by the next successful event, an
  -- incident by being closed, a revert by being merged
  date_part('epoch', case
      when f.open_incidents > 0 or (f.status_failure and f.next_success_at is null) then null
      else greatest(case when f.status_failure then f.next_success_at end, f.closed_at, f.reverted_at)
    end - f.at) / 3600 as recovery
from event_facts f
