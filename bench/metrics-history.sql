-- The metrics benchmark's history, generated in the database: enterprise "bench", 5 organizations
-- of 100 repositories, two years ending 2026-11-25. Per repository: 6,000 default-branch commits,
-- 2,000 pull requests (80% merged, 90% of those reviewed, 1% reverts, 2% hotfixes), 200
-- production deployments (10% failed; each successful one ships the ~30 commits since the last)
-- and 10 incidents. 2,000 developers, half of them on Copilot every other day for the last year.

insert into repositories (enterprise, repository_id, organization, name, default_branch, created_at, status, listed_at)
select 'bench', r, 'org' || ((r - 1) / 100 + 1), 'repo' || r, 'main', timestamptz '2024-01-01 00:00Z', 'active', now()
from generate_series(1, 500) r;

-- commit i of repository r: authored every 730/6000 days, by one of 15 developers of the repository
insert into commits (enterprise, repository_id, sha, author_id, author_login, authored_at, committed_at)
select 'bench', r, 'r' || r || 'c' || i, (r * 7 + i % 15) % 2000 + 1, 'dev' || (r * 7 + i % 15) % 2000,
       timestamptz '2024-11-25 00:00Z' + i * interval '730 days' / 6000,
       timestamptz '2024-11-25 00:00Z' + i * interval '730 days' / 6000 + interval '10 minutes'
from generate_series(1, 500) r cross join generate_series(1, 6000) i;

-- deployment k of repository r: every 3.65 days, 30 minutes after commit 30k; failed when (31r + k) % 10 = 0
insert into deployments (enterprise, repository_id, deployment_id, sha, ref, task, environment, created_at, updated_at,
                         final_state, final_state_at, statuses_checked_at, commits_status)
select 'bench', r, r * 1000 + k, 'r' || r || 'c' || (30 * k), 'main', 'deploy', 'production',
       timestamptz '2024-11-25 00:30Z' + k * interval '730 days' / 200,
       timestamptz '2024-11-25 00:35Z' + k * interval '730 days' / 200,
       case when (31 * r + k) % 10 = 0 then 'failure' else 'success' end,
       timestamptz '2024-11-25 00:35Z' + k * interval '730 days' / 200, now(),
       case when (31 * r + k) % 10 = 0 then null else 'compared' end
from generate_series(1, 500) r cross join generate_series(1, 200) k;

-- each commit ships with the first successful deployment at or after it
insert into deployment_commits (enterprise, repository_id, deployment_id, sha, authored_at, committed_at)
select 'bench', r, r * 1000 + shipped.k, 'r' || r || 'c' || i,
       timestamptz '2024-11-25 00:00Z' + i * interval '730 days' / 6000,
       timestamptz '2024-11-25 00:00Z' + i * interval '730 days' / 6000 + interval '10 minutes'
from generate_series(1, 500) r cross join generate_series(1, 6000) i
cross join lateral (select case when (31 * r + (i + 29) / 30) % 10 = 0 then (i + 29) / 30 + 1 else (i + 29) / 30 end as k) shipped
where shipped.k <= 200;

-- pull request j of repository r, merged (4 out of 5) as commit 3j; opened 4 to 47 hours before
insert into pull_requests (enterprise, repository_id, number, pull_request_id, author_id, author_login, title, head_ref, base_ref,
                           draft, state, created_at, updated_at, closed_at, merged_at, merge_commit_sha, additions, deletions, first_commit_at)
select 'bench', r, j, r * 10000 + j, author + 1, 'dev' || author, 'Change ' || j,
       case when j % 100 = 1 then 'revert-' || (j - 2) || '-change' when j % 50 = 7 then 'hotfix-' || j else 'change-' || j end,
       'main', false, case when j % 5 = 0 and j % 10 = 5 then 'open' else 'closed' end,
       at - (4 + j % 44) * interval '1 hour', at, case when j % 5 = 0 and j % 10 = 5 then null else at end,
       case when j % 5 <> 0 then at end, case when j % 5 <> 0 then 'r' || r || 'c' || (3 * j) end,
       j % 200 + 1, j % 50, at - (6 + j % 44) * interval '1 hour'
from generate_series(1, 500) r cross join generate_series(1, 2000) j
cross join lateral (select (r * 7 + j % 15) % 2000 as author, timestamptz '2024-11-25 00:00Z' + 3 * j * interval '730 days' / 6000 as at) pr;

-- a review by the next developer two hours after opening, on 9 of 10 pull requests
insert into pull_request_reviews (enterprise, repository_id, pull_number, review_id, reviewer_id, reviewer_login, state, submitted_at)
select p.enterprise, p.repository_id, p.number, p.pull_request_id, p.author_id % 2000 + 1, 'dev' || p.author_id % 2000,
       case when p.number % 3 = 0 then 'COMMENTED' else 'APPROVED' end, p.created_at + interval '2 hours'
from pull_requests p
where p.enterprise = 'bench' and p.number % 10 <> 3;

-- an incident two hours after every 20th deployment, closed 5 hours later (one in ten still open)
insert into incidents (enterprise, repository_id, issue_number, issue_id, title, labels, state, created_at, updated_at, closed_at)
select 'bench', r, n, r * 100 + n, 'Incident ' || n, array['incident'], case when n = 10 then 'open' else 'closed' end,
       timestamptz '2024-11-25 02:35Z' + 20 * n * interval '730 days' / 200,
       timestamptz '2024-11-25 07:35Z' + 20 * n * interval '730 days' / 200,
       case when n <> 10 then timestamptz '2024-11-25 07:35Z' + 20 * n * interval '730 days' / 200 end
from generate_series(1, 500) r cross join generate_series(1, 10) n;

-- Copilot: developers 0-999, every other day of the last year
insert into copilot_user_daily (enterprise, scope, organization, day, user_id, user_login, code_generation_activity_count,
                                code_acceptance_activity_count, source_report)
select 'bench', 'enterprise', '', day::date, d + 1, 'dev' || d, 20 + d % 30, 5 + d % 10, 'users-1-day'
from generate_series(0, 999) d cross join generate_series(date '2025-11-25', date '2026-11-24', interval '1 day') day
where (d + extract(doy from day)::int) % 2 = 0;
