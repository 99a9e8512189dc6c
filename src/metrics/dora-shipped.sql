-- Stage 3: the pull requests each successful event of the weeks computed shipped, each counted once,
-- at the first deployment that shipped it. A deployment ships those whose merge commit is among the
-- commits it shipped (deployment_commits, from GitHub's compare); a workflow run those merged
-- after the previous successful run started and by the time it started; a merge ships itself.
-- $1 DORA_ENVIRONMENTS (lower case).
create temporary table dora_shipped on commit drop as
with
-- the successful events of the weeks computed
week_events as (
  select e.* from dora_events e join metric_weeks k on k.enterprise = e.enterprise and k.week = e.week where e.succeeded
),
-- pull requests merged as a commit a deployment shipped
deployed as (
  select e.enterprise, e.repository_id, e.event_id, e.at, p.number, dc.sha, dc.shared
  from week_events e
  join deployment_commits dc on dc.enterprise = e.enterprise and dc.repository_id = e.repository_id and dc.deployment_id = e.event_id
  join pull_requests p on p.enterprise = dc.enterprise and p.repository_id = dc.repository_id and p.merge_commit_sha = dc.sha
  where e.source = 'deployment'
),
-- for a merge commit more than one deployment shipped (deployment_commits.shared), when the first
-- successful deployment to a DORA environment shipped it (two at the same instant would both
-- count: GitHub stamps statuses to the second)
first_shipped as (
  select dc.enterprise, dc.repository_id, dc.sha, min(d.final_state_at) as at
  from deployment_commits dc
  join deployments d on d.enterprise = dc.enterprise and d.repository_id = dc.repository_id and d.deployment_id = dc.deployment_id
  where dc.shared and d.final_state = 'success' and lower(d.environment) = any($1::text[])
    and (dc.enterprise, dc.repository_id, dc.sha) in (select enterprise, repository_id, sha from deployed where shared)
  group by dc.enterprise, dc.repository_id, dc.sha
)
select d.enterprise, d.repository_id, d.event_id, d.at, d.number
from deployed d
left join first_shipped f on d.shared and f.enterprise = d.enterprise and f.repository_id = d.repository_id and f.sha = d.sha
where not d.shared or f.at = d.at
union all
select e.enterprise, e.repository_id, e.event_id, e.at, p.number
from week_events e
join pull_requests p on p.enterprise = e.enterprise and p.repository_id = e.repository_id and p.base_ref = e.default_branch
  and p.merged_at <= e.started_at and p.merged_at > coalesce(e.previous_success_started_at, '-infinity')
where e.source = 'workflow'
union all
select e.enterprise, e.repository_id, e.event_id, e.at, e.event_id
from week_events e
where e.source = 'pull_request'
