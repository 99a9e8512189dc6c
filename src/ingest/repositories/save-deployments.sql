-- A page of deployments; their states come from the statuses (save-deployment-statuses.sql).
insert into deployments as t (enterprise, repository_id, deployment_id, sha, ref, task, environment, created_at, updated_at)
select $1, $2, d."deploymentId", d.sha, d.ref, d.task, d.environment, d."createdAt", d."updatedAt"
from jsonb_to_recordset($3::jsonb) as d (
  "deploymentId" bigint, sha text, ref text, task text, environment text, "createdAt" timestamptz, "updatedAt" timestamptz)
on conflict (enterprise, repository_id, deployment_id) do update set
  sha = excluded.sha,
  ref = excluded.ref,
  task = excluded.task,
  environment = excluded.environment,
  updated_at = excluded.updated_at,
  synced_at = now()
where (t.sha, t.environment, t.updated_at) is distinct from (excluded.sha, excluded.environment, excluded.updated_at)
