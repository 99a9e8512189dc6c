-- The commits deployment $3 shipped ($6) and how they were found ($5). The caller first deletes
-- any earlier list, in the same transaction. A commit another deployment shipped too is marked
-- shared on both sides: the metrics count its pull request once, at the first deployment.
with saved as (
  insert into deployment_commits (enterprise, repository_id, deployment_id, sha, authored_at, committed_at, shared)
  select $1, $2, $3, c.sha, c."authoredAt", c."committedAt",
         exists (select 1 from deployment_commits o
                 where o.enterprise = $1 and o.repository_id = $2 and o.sha = c.sha and o.deployment_id <> $3)
  from jsonb_to_recordset($6::jsonb) as c (sha text, "authoredAt" timestamptz, "committedAt" timestamptz)
  on conflict (enterprise, repository_id, deployment_id, sha) do nothing
  returning sha, shared
),
others as (
  update deployment_commits o set shared = true
  where o.enterprise = $1 and o.repository_id = $2 and o.deployment_id <> $3 and not o.shared
    and o.sha in (select sha from saved where shared)
)
update deployments set previous_deployment_id = $4, commits_status = $5, synced_at = now()
where enterprise = $1 and repository_id = $2 and deployment_id = $3
