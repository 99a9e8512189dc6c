-- Stage 8: what each developer did per repository and week of metric_weeks: pull requests opened,
-- pull requests merged (with their lines), reviews submitted on someone else's pull request,
-- default-branch commits authored; bots left out ($1 BOT_LOGINS, lower case). A commit of an
-- email linked to no account has no developer: it counts in the rollups only. $2 and $3: the earliest
-- start and latest end of the bounds, constant, so that indexes serve.
create temporary table velocity_counted on commit drop as
with
counted as (
  select enterprise, week, repository_id, developer_id, max(developer) as developer, sum(opened) as prs_opened,
    sum(merged) as prs_merged, sum(reviews) as reviews_given, sum(commits) as commits, sum(added) as lines_added,
    sum(deleted) as lines_deleted
  from (
    select p.enterprise, metrics_week(p.created_at) as week, p.repository_id, p.author_id as developer_id,
      max(p.author_login) as developer, count(*) as opened, 0 as merged, 0 as reviews, 0 as commits, 0 as added, 0 as deleted
    from metric_pull_requests p join metric_bounds b on b.enterprise = p.enterprise
    where p.created_at >= b.starts and p.created_at < b.ends and not metrics_is_bot(p.author_login, $1::text[])
    group by p.enterprise, metrics_week(p.created_at), p.repository_id, p.author_id
    union all
    select p.enterprise, metrics_week(p.merged_at), p.repository_id, p.author_id, max(p.author_login), 0, count(*), 0, 0,
      sum(coalesce(p.additions, 0)), sum(coalesce(p.deletions, 0))
    from metric_pull_requests p join metric_bounds b on b.enterprise = p.enterprise
    where p.merged_at >= b.starts and p.merged_at < b.ends and not metrics_is_bot(p.author_login, $1::text[])
    group by p.enterprise, metrics_week(p.merged_at), p.repository_id, p.author_id
    union all
    select rv.enterprise, metrics_week(rv.submitted_at), rv.repository_id, rv.reviewer_id, max(rv.reviewer_login), 0, 0, count(*), 0, 0, 0
    from pull_request_reviews rv
    join metric_bounds b on b.enterprise = rv.enterprise
    join metric_pull_requests p on p.enterprise = rv.enterprise and p.repository_id = rv.repository_id and p.number = rv.pull_number
    where rv.submitted_at >= b.starts and rv.submitted_at < b.ends and rv.submitted_at >= $2::timestamptz and rv.submitted_at < $3::timestamptz
      and metrics_is_review_by_other(rv.reviewer_login, rv.state, rv.submitted_at, p.author_login, $1::text[])
    group by rv.enterprise, metrics_week(rv.submitted_at), rv.repository_id, rv.reviewer_id
    union all
    select c.enterprise, metrics_week(c.authored_at), c.repository_id, c.author_id, max(c.author_login), 0, 0, 0, count(*), 0, 0
    from commits c join metric_bounds b on b.enterprise = c.enterprise
    where c.authored_at >= b.starts and c.authored_at < b.ends and c.authored_at >= $2::timestamptz and c.authored_at < $3::timestamptz and not metrics_is_bot(c.author_login, $1::text[])
    group by c.enterprise, metrics_week(c.authored_at), c.repository_id, c.author_id
  ) done
  group by enterprise, week, repository_id, developer_id
)
select * from counted
