-- A page of incident issues (pull requests already left out).
insert into incidents as t (enterprise, repository_id, issue_number, issue_id, title, labels, state, created_at, updated_at, closed_at)
select $1, $2, i."issueNumber", i."issueId", i.title, array(select jsonb_array_elements_text(i.labels)), i.state,
       i."createdAt", i."updatedAt", i."closedAt"
from jsonb_to_recordset($3::jsonb) as i (
  "issueNumber" integer, "issueId" bigint, title text, labels jsonb, state text,
  "createdAt" timestamptz, "updatedAt" timestamptz, "closedAt" timestamptz)
on conflict (enterprise, repository_id, issue_number) do update set
  title = excluded.title,
  labels = excluded.labels,
  state = excluded.state,
  created_at = excluded.created_at,
  updated_at = excluded.updated_at,
  closed_at = excluded.closed_at,
  synced_at = now()
where (t.labels, t.state, t.created_at, t.closed_at, t.updated_at)
  is distinct from (excluded.labels, excluded.state, excluded.created_at, excluded.closed_at, excluded.updated_at)
