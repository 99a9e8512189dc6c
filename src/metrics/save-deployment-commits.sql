-- The commits deployment $3 shipped ($6) and how they were found ($5). The caller first deletes
-- any earlier list, in the same transaction.
with saved as (
  insert into deployment_commits (enterprise, repository_id, deployment_id, sha, authored_at, committed_at)
  select $1, $2, $3, c.sha, c."authoredAt", c."committedAt"
  from jsonb_to_recordset($6::jsonb) as c (sha text, "authoredAt" timestamptz, "committedAt" timestamptz)
  on conflict (enterprise, repository_id, deployment_id, sha) do nothing
)
update deployments set previous_deployment_id = $4, commits_status = $5, synced_at = now()
where enterprise = $1 and repository_id = $2 and deployment_id = $3
