-- Every status of the deployments $3 ($4 holds all their statuses). The final state is the latest
-- status that is not 'inactive': GitHub marks the previous deployment inactive when a newer one
-- goes live, which says nothing about whether it worked.
with incoming as (
  select * from jsonb_to_recordset($4::jsonb) as s ("deploymentId" bigint, "statusId" bigint, state text, "createdAt" timestamptz)
),
saved as (
  insert into deployment_statuses (enterprise, repository_id, deployment_id, status_id, state, created_at)
  select $1, $2, s."deploymentId", s."statusId", s.state, s."createdAt" from incoming s
  on conflict (enterprise, repository_id, deployment_id, status_id) do update set state = excluded.state
  returning 1
),
final_states as (
  select distinct on (s."deploymentId") s."deploymentId" as deployment_id, s.state, s."createdAt" as at
  from incoming s
  where s.state <> 'inactive'
  order by s."deploymentId", s."createdAt" desc, s."statusId" desc
)
update deployments d set
  final_state = f.state,
  final_state_at = f.at,
  statuses_checked_at = now(),
  synced_at = case when (d.final_state, d.final_state_at) is distinct from (f.state, f.at) then now() else d.synced_at end
from (select unnest($3::bigint[]) as deployment_id) checked
left join final_states f using (deployment_id)
where d.enterprise = $1 and d.repository_id = $2 and d.deployment_id = checked.deployment_id
