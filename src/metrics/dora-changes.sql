-- Stage 6: lead time for changes, one row per change of a successful event of the weeks computed:
-- deployment time - authored time of each commit a deployment shipped; for a workflow run, of
-- each default-branch commit committed after the previous successful run started and by the time
-- it started; for a merge, of the pull request's first commit (its opening when unknown). Values
-- of 0 or less are dropped.
create temporary table dora_changes on commit drop as
with
-- the events of those weeks
week_events as (
  select e.* from dora_events e join metric_weeks k on k.enterprise = e.enterprise and k.week = e.week
),
changes as (
  select e.enterprise, e.organization, e.repository_id, e.week, date_part('epoch', e.at - dc.authored_at) / 3600 as hours
  from week_events e
  join deployment_commits dc on dc.enterprise = e.enterprise and dc.repository_id = e.repository_id and dc.deployment_id = e.event_id
  where e.source = 'deployment' and e.succeeded
  union all
  select e.enterprise, e.organization, e.repository_id, e.week, date_part('epoch', e.at - c.authored_at) / 3600
  from week_events e
  join commits c on c.enterprise = e.enterprise and c.repository_id = e.repository_id
    and c.committed_at <= e.started_at and c.committed_at > coalesce(e.previous_success_started_at, '-infinity')
  where e.source = 'workflow' and e.succeeded
  union all
  select e.enterprise, e.organization, e.repository_id, e.week, date_part('epoch', e.at - coalesce(s.first_commit_at, s.created_at)) / 3600
  from week_events e
  join metric_pull_requests s on s.enterprise = e.enterprise and s.repository_id = e.repository_id and s.number = e.event_id
  where e.source = 'pull_request'
)
select enterprise, organization, repository_id, week, hours from changes where hours > 0
