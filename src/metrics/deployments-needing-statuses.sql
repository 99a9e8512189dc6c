-- Deployments to a DORA environment ($3, lower case) whose statuses were never read, or whose
-- state was not final when last read and that are recent enough to still change (14 days).
select deployment_id
from deployments
where enterprise = $1 and repository_id = $2 and lower(environment) = any($3::text[])
  and (statuses_checked_at is null
       or ((final_state is null or final_state not in ('success', 'failure', 'error')) and created_at > now() - interval '14 days'))
order by created_at
