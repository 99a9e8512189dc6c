-- A page of pull requests ($3) with the reviews of those that changed ($4), in one statement.
-- A row moves synced_at only when GitHub's copy changed.
with incoming as (
  select * from jsonb_to_recordset($3::jsonb) as p (
    number integer, "pullRequestId" bigint, "authorId" bigint, "authorLogin" text, title text, "headRef" text,
    "baseRef" text, draft boolean, state text, "createdAt" timestamptz, "updatedAt" timestamptz,
    "closedAt" timestamptz, "mergedAt" timestamptz, "mergeCommitSha" text, additions integer,
    deletions integer, "firstCommitAt" timestamptz)
),
pulls as (
  insert into pull_requests as t
    (enterprise, repository_id, number, pull_request_id, author_id, author_login, title, head_ref, base_ref, draft, state,
     created_at, updated_at, closed_at, merged_at, merge_commit_sha, additions, deletions, first_commit_at)
  select $1, $2, p.number, p."pullRequestId", p."authorId", p."authorLogin", p.title, p."headRef", p."baseRef", p.draft, p.state,
         p."createdAt", p."updatedAt", p."closedAt", p."mergedAt", p."mergeCommitSha", p.additions, p.deletions, p."firstCommitAt"
  from incoming p
  on conflict (enterprise, repository_id, number) do update set
    author_id = excluded.author_id,
    author_login = excluded.author_login,
    title = excluded.title,
    head_ref = excluded.head_ref,
    base_ref = excluded.base_ref,
    draft = excluded.draft,
    state = excluded.state,
    created_at = excluded.created_at,
    updated_at = excluded.updated_at,
    closed_at = excluded.closed_at,
    merged_at = excluded.merged_at,
    merge_commit_sha = excluded.merge_commit_sha,
    additions = excluded.additions,
    deletions = excluded.deletions,
    first_commit_at = excluded.first_commit_at,
    synced_at = now()
  where (t.updated_at, t.additions, t.deletions, t.first_commit_at)
    is distinct from (excluded.updated_at, excluded.additions, excluded.deletions, excluded.first_commit_at)
  returning 1
),
reviews as (
  insert into pull_request_reviews as t
    (enterprise, repository_id, pull_number, review_id, reviewer_id, reviewer_login, state, submitted_at)
  select $1, $2, r."pullNumber", r."reviewId", r."reviewerId", r."reviewerLogin", r.state, r."submittedAt"
  from jsonb_to_recordset($4::jsonb) as r (
    "pullNumber" integer, "reviewId" bigint, "reviewerId" bigint, "reviewerLogin" text, state text, "submittedAt" timestamptz)
  on conflict (enterprise, repository_id, pull_number, review_id) do update set
    reviewer_id = excluded.reviewer_id,
    reviewer_login = excluded.reviewer_login,
    state = excluded.state,
    submitted_at = excluded.submitted_at,
    synced_at = now()
  where (t.state, t.submitted_at) is distinct from (excluded.state, excluded.submitted_at)
  returning 1
)
select (select count(*) from pulls) as pulls, (select count(*) from reviews) as reviews
