-- Stage 4: the pull requests the weeks computed need (opened, merged or reviewed in one of them, or
-- shipped by one of their deployments), each with its first review by someone else
-- (metrics_is_review_by_other) and that review as reviewed_at when it came by the merge: a review
-- after the merge is no review of it ($1 BOT_LOGINS, lower case; $2 and $3 the earliest start and latest end
-- of the bounds, constant, so that indexes serve). The weeks computed are consecutive
-- (compute-metrics.ts), so "in one of them" is "between the first's start and the last's end".
create temporary table metric_pull_requests on commit drop as
with
-- opened or merged in the weeks
recent as (
  select p.*
  from pull_requests p join metric_bounds b on b.enterprise = p.enterprise
  where ((p.created_at >= b.starts and p.created_at < b.ends) or (p.merged_at >= b.starts and p.merged_at < b.ends))
    and ((p.created_at >= $2::timestamptz and p.created_at < $3::timestamptz) or (p.merged_at >= $2::timestamptz and p.merged_at < $3::timestamptz))
),
-- others reviewed in the weeks, or shipped by a deployment of the weeks
older_keys as (
  select r.enterprise, r.repository_id, r.pull_number as number
  from pull_request_reviews r join metric_bounds b on b.enterprise = r.enterprise
  where r.submitted_at >= b.starts and r.submitted_at < b.ends and r.submitted_at >= $2::timestamptz and r.submitted_at < $3::timestamptz
  union
  select enterprise, repository_id, number from dora_shipped
),
older as (
  select p.*
  from older_keys k
  join pull_requests p on p.enterprise = k.enterprise and p.repository_id = k.repository_id and p.number = k.number
  join metric_bounds b on b.enterprise = p.enterprise
  where not (p.created_at >= b.starts and p.created_at < b.ends) and not coalesce(p.merged_at >= b.starts and p.merged_at < b.ends, false)
),
wanted_pulls as (
  select * from recent union all select * from older
),
first_reviews as (
  select p.enterprise, p.repository_id, p.number, min(r.submitted_at) as first_review_at
  from wanted_pulls p
  join pull_request_reviews r on r.enterprise = p.enterprise and r.repository_id = p.repository_id and r.pull_number = p.number
  where metrics_is_review_by_other(r.reviewer_login, r.state, r.submitted_at, p.author_login, $1::text[])
  group by p.enterprise, p.repository_id, p.number
)
select p.enterprise, p.repository_id, p.number, p.author_id, p.author_login, p.title, p.head_ref,
       p.created_at, p.merged_at, p.first_commit_at, p.additions, p.deletions, f.first_review_at,
       case when f.first_review_at <= p.merged_at then f.first_review_at end as reviewed_at
from wanted_pulls p
left join first_reviews f on f.enterprise = p.enterprise and f.repository_id = p.repository_id and f.number = p.number
