-- The first week each enterprise ($1) must recompute: the earliest week that the rows changed since
-- its last computation (synced_at after metrics_state.computed_through) can reach. Without a usable
-- mark (never computed, computed with other definitions than $2, or $3: a full recompute), the
-- earliest week with data. No row for an enterprise: nothing changed.
with marks as (
  select e.enterprise, case when not $3 and m.definitions = $2 then m.computed_through end as since
  from unnest($1::text[]) as e (enterprise)
  left join metrics_state m on m.enterprise = e.enterprise
),
-- everything, for an enterprise without a mark
first_data as (
  select m.enterprise, least(
    (select min(p.created_at) from pull_requests p where p.enterprise = m.enterprise),
    (select min(c.authored_at) from commits c where c.enterprise = m.enterprise),
    (select min(d.created_at) from deployments d where d.enterprise = m.enterprise),
    (select min(w.created_at) from workflow_runs w where w.enterprise = m.enterprise),
    (select min(i.created_at) from incidents i where i.enterprise = m.enterprise),
    (select min(r.submitted_at) from pull_request_reviews r where r.enterprise = m.enterprise)) as reaches
  from marks m
  where m.since is null
),
-- a deployment: its week, and the previous successful deployment's, whose window it closes
changed_deployments as (
  select d.enterprise, least(d.created_at, d.final_state_at, (
    select max(p.final_state_at) from deployments p
    where p.enterprise = d.enterprise and p.repository_id = d.repository_id and p.final_state = 'success'
      and p.final_state_at < coalesce(d.final_state_at, d.created_at))) as reaches
  from deployments d join marks m on m.enterprise = d.enterprise
  where d.synced_at > m.since
),
-- a workflow run: its week, and the previous successful run's
changed_runs as (
  select w.enterprise, least(w.created_at, (
    select max(p.created_at) from workflow_runs p
    where p.enterprise = w.enterprise and p.repository_id = w.repository_id and p.conclusion = 'success' and p.created_at < w.created_at)) as reaches
  from workflow_runs w join marks m on m.enterprise = w.enterprise
  where w.synced_at > m.since
),
-- a pull request: the week it was opened, the previous merge of its repository (a merge closes
-- that one's window), and the merge of the pull request a revert undoes
changed_pull_requests as (
  select p.enterprise, least(p.created_at,
    (select max(q.merged_at) from pull_requests q
     where q.enterprise = p.enterprise and q.repository_id = p.repository_id and q.merged_at < p.merged_at),
    (select t.merged_at
     from metrics_reverted_pull_request(p.enterprise, p.repository_id, p.head_ref, p.title, p.created_at, $4) reverted
     join pull_requests t on t.enterprise = p.enterprise and t.repository_id = p.repository_id and t.number = reverted.number)) as reaches
  from pull_requests p join marks m on m.enterprise = p.enterprise
  where p.synced_at > m.since
),
-- a review: the week its pull request was opened
changed_reviews as (
  select r.enterprise, least(r.submitted_at, p.created_at) as reaches
  from pull_request_reviews r
  join marks m on m.enterprise = r.enterprise
  join pull_requests p on p.enterprise = r.enterprise and p.repository_id = r.repository_id and p.number = r.pull_number
  where r.synced_at > m.since
),
-- a commit: the week it was authored
changed_commits as (
  select c.enterprise, c.authored_at as reaches
  from commits c join marks m on m.enterprise = c.enterprise
  where c.synced_at > m.since
),
-- an incident: its week, and the last successful event of any source before it (its window's start)
changed_incidents as (
  select i.enterprise, least(i.created_at,
    (select max(d.final_state_at) from deployments d
     where d.enterprise = i.enterprise and d.repository_id = i.repository_id and d.final_state = 'success' and d.final_state_at <= i.created_at),
    (select max(w.created_at) from workflow_runs w
     where w.enterprise = i.enterprise and w.repository_id = i.repository_id and w.conclusion = 'success' and w.created_at <= i.created_at),
    (select max(p.merged_at) from pull_requests p
     where p.enterprise = i.enterprise and p.repository_id = i.repository_id and p.merged_at <= i.created_at)) as reaches
  from incidents i join marks m on m.enterprise = i.enterprise
  where i.synced_at > m.since
),
-- a repository listed, renamed or gone: from the week it changed
changed_repositories as (
  select r.enterprise, r.synced_at as reaches
  from repositories r join marks m on m.enterprise = r.enterprise
  where r.synced_at > m.since
)
select enterprise, metrics_week(min(reaches)) as first_week
from (
  select * from first_data
  union all select * from changed_deployments
  union all select * from changed_runs
  union all select * from changed_pull_requests
  union all select * from changed_reviews
  union all select * from changed_commits
  union all select * from changed_incidents
  union all select * from changed_repositories
) reached
where reaches is not null
group by enterprise
