-- Stage 2: every deployment attempt that reached a final state, from 21 days before the first week
-- computed on (the 28-day deployment days of that week), of the source its repository uses in the
-- event's week: deployments from the week of its first deployment on, else deploy-workflow runs
-- from the week of its first one, else merges into the default branch. Each event carries the
-- repository's next successful event (the end of its window), and a workflow run the start of the
-- previous successful run (it ships what was committed since). $1 DORA_ENVIRONMENTS, $2
-- DORA_DEPLOY_WORKFLOWS (lower case), $3 the earliest of the bounds (constant, so that indexes serve).
create temporary table dora_events on commit drop as
with
-- per enterprise, the earliest event read: 21 days before its first week (metric_bounds.starts;
-- the computation's time zone is UTC, so 21 days are 21 UTC days)
bounds as (
  select enterprise, starts - interval '21 days' as reads_from from metric_bounds
),
-- the attempts of all three sources
events as (
  -- GitHub deployments to a DORA environment; the time is when the final status was set
  select d.enterprise, d.repository_id, 'deployment' as source, d.deployment_id as event_id, d.final_state_at as at,
         d.created_at as started_at, d.final_state = 'success' as succeeded
  from deployments d join bounds b on b.enterprise = d.enterprise
  where d.final_state_at >= b.reads_from and d.final_state_at >= $3::timestamptz and d.final_state in ('success', 'failure', 'error') and lower(d.environment) = any($1::text[])
  union all
  -- completed runs of a deploy workflow on the default branch; the time is when the run ended
  select w.enterprise, w.repository_id, 'workflow', w.run_id, w.updated_at, w.created_at, w.conclusion = 'success'
  from workflow_runs w
  join bounds b on b.enterprise = w.enterprise
  join metric_repositories s on s.enterprise = w.enterprise and s.repository_id = w.repository_id
  where w.created_at >= b.reads_from and w.created_at >= $3::timestamptz and w.head_branch = s.default_branch and w.status = 'completed'
    and w.conclusion in ('success', 'failure') and metrics_is_deploy_workflow(w.name, w.path, $2::text[])
  union all
  -- merges into the default branch
  select p.enterprise, p.repository_id, 'pull_request', p.number, p.merged_at, p.merged_at, true
  from pull_requests p
  join bounds b on b.enterprise = p.enterprise
  join metric_repositories s on s.enterprise = p.enterprise and s.repository_id = p.repository_id
  where p.merged_at >= b.reads_from and p.merged_at >= $3::timestamptz and p.base_ref = s.default_branch
),
-- the events of the source the repository uses in the event's week
source_events as (
  select e.*, s.organization, s.default_branch, metrics_week(e.at) as week, (e.at at time zone 'UTC')::date as day
  from events e
  join metric_repositories s on s.enterprise = e.enterprise and s.repository_id = e.repository_id
  where e.source = case
    when s.first_deployment < (metrics_week(e.at) + 7)::timestamp at time zone 'UTC' then 'deployment'
    when s.first_workflow < (metrics_week(e.at) + 7)::timestamp at time zone 'UTC' then 'workflow'
    else 'pull_request' end
)
select se.*,
  min(se.at) filter (where se.succeeded) over (
    partition by se.enterprise, se.repository_id order by se.at desc, se.event_id desc
    rows between unbounded preceding and 1 preceding) as next_success_at,
  case when se.source = 'workflow' then (
    select max(r.created_at) from workflow_runs r
    where r.enterprise = se.enterprise and r.repository_id = se.repository_id and r.created_at < se.started_at
      and r.head_branch = se.default_branch and r.status = 'completed' and r.conclusion = 'success'
      and metrics_is_deploy_workflow(r.name, r.path, $2::text[])) end as previous_success_started_at
from source_events se
