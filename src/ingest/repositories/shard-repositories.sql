-- The repositories of shard $3 of $4 of one organization, least recently synced first: when the
-- rate budget ends a shard early, the repositories it did not reach come first next run. An empty
-- repository waits for a push (save-repositories.sql).
select r.repository_id, r.name, r.default_branch
from repositories r
left join lateral (
  select max(s.finished_at) as last_synced from repository_sync_state s
  where s.enterprise = r.enterprise and s.repository_id = r.repository_id
) s on true
where r.enterprise = $1 and r.organization = $2 and r.status = 'active' and r.repository_id % $4 = $3
order by s.last_synced nulls first, r.repository_id
