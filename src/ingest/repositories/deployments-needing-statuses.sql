-- Deployments to a DORA environment ($3, lower case) whose statuses were never read, or whose latest
-- status was not final when last read: queued, pending, in_progress, or waiting for a required
-- reviewer (no status yet). Final means success, failure, error or inactive. Such a deployment is
-- read again every run until it is final, for 30 days from its creation by the run's clock ($4):
-- GitHub fails a job still waiting for approval after 30 days, and a deployment nobody ever posts a
-- status for must not be asked about forever.
select d.deployment_id
from deployments d
left join lateral (
  select s.state from deployment_statuses s
  where s.enterprise = d.enterprise and s.repository_id = d.repository_id and s.deployment_id = d.deployment_id
  order by s.created_at desc, s.status_id desc
  limit 1
) latest on true
where d.enterprise = $1 and d.repository_id = $2 and lower(d.environment) = any($3::text[])
  and (d.statuses_checked_at is null
       or ((latest.state is null or latest.state not in ('success', 'failure', 'error', 'inactive'))
           and d.created_at > $4::timestamptz - interval '30 days'))
order by d.created_at
