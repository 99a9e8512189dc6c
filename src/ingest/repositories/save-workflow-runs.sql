-- A page of workflow runs; a run changes until it completes (status, conclusion, attempts).
insert into workflow_runs as t
  (enterprise, repository_id, run_id, workflow_id, name, path, head_branch, head_sha, event, status, conclusion,
   run_attempt, created_at, updated_at, run_started_at)
select $1, $2, w."runId", w."workflowId", w.name, w.path, w."headBranch", w."headSha", w.event, w.status, w.conclusion,
       w."runAttempt", w."createdAt", w."updatedAt", w."runStartedAt"
from jsonb_to_recordset($3::jsonb) as w (
  "runId" bigint, "workflowId" bigint, name text, path text, "headBranch" text, "headSha" text, event text,
  status text, conclusion text, "runAttempt" integer, "createdAt" timestamptz, "updatedAt" timestamptz,
  "runStartedAt" timestamptz)
on conflict (enterprise, repository_id, run_id) do update set
  name = excluded.name,
  path = excluded.path,
  head_branch = excluded.head_branch,
  status = excluded.status,
  conclusion = excluded.conclusion,
  run_attempt = excluded.run_attempt,
  updated_at = excluded.updated_at,
  run_started_at = excluded.run_started_at,
  synced_at = now()
where (t.status, t.conclusion, t.run_attempt, t.updated_at) is distinct from (excluded.status, excluded.conclusion, excluded.run_attempt, excluded.updated_at)
