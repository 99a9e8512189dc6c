-- A commit more than one deployment shipped (several environments, a redeploy, a force push) is
-- marked on every one of its links. The metrics look up the first deployment that shipped a merge
-- commit only for these: for the rest, the one deployment that shipped it is the first.
alter table deployment_commits add column shared boolean not null default false;

update deployment_commits dc set shared = true
where exists (select 1 from deployment_commits o
              where o.enterprise = dc.enterprise and o.repository_id = dc.repository_id and o.sha = dc.sha
                and o.deployment_id <> dc.deployment_id);
