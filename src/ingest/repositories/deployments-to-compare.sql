-- Successful deployments to a DORA environment ($3) whose shipped commits are not listed yet, oldest
-- first, each with the previous successful deployment of the same environment to compare from.
with successful as (
  select deployment_id, sha, final_state_at, commits_status,
         lag(deployment_id) over environment_order as previous_deployment_id,
         lag(sha) over environment_order as previous_sha
  from deployments
  where enterprise = $1 and repository_id = $2 and final_state = 'success' and lower(environment) = any($3::text[])
  window environment_order as (partition by lower(environment) order by final_state_at, deployment_id)
)
select deployment_id, sha, previous_deployment_id, previous_sha
from successful
where commits_status is null
order by final_state_at, deployment_id
