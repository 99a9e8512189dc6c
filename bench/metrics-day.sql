-- One more day (2026-11-25) of activity across the benchmark's history, as a daily sync would
-- store it: per repository 8 commits and 3 merged, reviewed pull requests; a deployment in every
-- third repository; an incident in every tenth.
insert into commits (enterprise, repository_id, sha, author_id, author_login, authored_at, committed_at)
select 'bench', r, 'r' || r || 'd' || i, (r * 7 + i % 15) % 2000 + 1, 'dev' || (r * 7 + i % 15) % 2000,
       timestamptz '2026-11-25 06:00Z' + i * interval '1 hour', timestamptz '2026-11-25 06:10Z' + i * interval '1 hour'
from generate_series(1, 500) r cross join generate_series(1, 8) i;

insert into pull_requests (enterprise, repository_id, number, pull_request_id, author_id, author_login, title, head_ref, base_ref,
                           draft, state, created_at, updated_at, closed_at, merged_at, merge_commit_sha, additions, deletions, first_commit_at)
select 'bench', r, 2000 + j, r * 10000 + 2000 + j, (r * 7 + j) % 2000 + 1, 'dev' || (r * 7 + j) % 2000, 'Today ' || j, 'today-' || j, 'main',
       false, 'closed', timestamptz '2026-11-25 05:00Z', timestamptz '2026-11-25 06:00Z' + 2 * j * interval '1 hour',
       timestamptz '2026-11-25 06:00Z' + 2 * j * interval '1 hour', timestamptz '2026-11-25 06:00Z' + 2 * j * interval '1 hour',
       'r' || r || 'd' || (2 * j), 10, 2, timestamptz '2026-11-25 04:00Z'
from generate_series(1, 500) r cross join generate_series(1, 3) j;

insert into pull_request_reviews (enterprise, repository_id, pull_number, review_id, reviewer_id, reviewer_login, state, submitted_at)
select 'bench', r, 2000 + j, r * 10000 + 2000 + j, (r * 7 + j + 1) % 2000 + 1, 'dev' || (r * 7 + j + 1) % 2000, 'APPROVED',
       timestamptz '2026-11-25 05:30Z'
from generate_series(1, 500) r cross join generate_series(1, 3) j;

insert into deployments (enterprise, repository_id, deployment_id, sha, ref, task, environment, created_at, updated_at,
                         final_state, final_state_at, statuses_checked_at, commits_status)
select 'bench', r, r * 1000 + 201, 'r' || r || 'd8', 'main', 'deploy', 'production', timestamptz '2026-11-25 15:00Z',
       timestamptz '2026-11-25 15:05Z', 'success', timestamptz '2026-11-25 15:05Z', now(), 'compared'
from generate_series(3, 500, 3) r;

insert into deployment_commits (enterprise, repository_id, deployment_id, sha, authored_at, committed_at)
select 'bench', r, r * 1000 + 201, 'r' || r || 'd' || i, timestamptz '2026-11-25 06:00Z' + i * interval '1 hour',
       timestamptz '2026-11-25 06:10Z' + i * interval '1 hour'
from generate_series(3, 500, 3) r cross join generate_series(1, 8) i;

insert into incidents (enterprise, repository_id, issue_number, issue_id, title, labels, state, created_at, updated_at, closed_at)
select 'bench', r, 11, r * 100 + 11, 'Incident today', array['incident'], 'open', timestamptz '2026-11-25 16:00Z',
       timestamptz '2026-11-25 16:00Z', null
from generate_series(10, 500, 10) r;
