-- Stage 1 of a computation (compute-metrics.ts runs the stages in order, in one transaction): the
-- repositories of the enterprises being computed (metric_weeks), with when each deployment source
-- starts for them: the first deployment to a DORA environment ($1) and the first run of a deploy
-- workflow ($2) on the default branch.
create temporary table metric_repositories on commit drop as
select r.enterprise, r.repository_id, r.organization, r.name, r.default_branch, r.status, r.created_at,
  (select min(d.created_at) from deployments d
   where d.enterprise = r.enterprise and d.repository_id = r.repository_id and lower(d.environment) = any($1::text[])) as first_deployment,
  (select min(w.created_at) from workflow_runs w
   where w.enterprise = r.enterprise and w.repository_id = r.repository_id and w.head_branch = r.default_branch
     and metrics_is_deploy_workflow(w.name, w.path, $2::text[])) as first_workflow
from repositories r
where r.enterprise in (select enterprise from metric_weeks)
