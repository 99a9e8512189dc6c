-- One organization's repository list, as just read in full ($3). Archived repositories are kept but
-- not synced unless INCLUDE_ARCHIVED ($4); repositories missing from the list are marked not_found,
-- their history stays. A repository that answered 409 (empty: no commits) stays empty, and is not
-- synced, until its pushed_at moves: asking again before anyone pushed can only get the same 409.
-- A change that matters to the metrics (name, default branch) moves synced_at.
-- Returns how many of the list are active: to be synced.
with listed as (
  select * from jsonb_to_recordset($3::jsonb) as r (
    "repositoryId" bigint, name text, "defaultBranch" text, archived boolean, fork boolean,
    visibility text, "createdAt" timestamptz, "pushedAt" timestamptz)
),
saved as (
  insert into repositories as t
    (enterprise, repository_id, organization, name, default_branch, archived, fork, visibility, created_at, pushed_at, status, listed_at)
  select $1, r."repositoryId", $2, r.name, r."defaultBranch", r.archived, r.fork, r.visibility, r."createdAt", r."pushedAt",
         case when r.archived and not $4 then 'archived' else 'active' end, $5
  from listed r
  on conflict (enterprise, repository_id) do update set
    organization = excluded.organization,
    name = excluded.name,
    default_branch = excluded.default_branch,
    archived = excluded.archived,
    fork = excluded.fork,
    visibility = excluded.visibility,
    created_at = excluded.created_at,
    pushed_at = excluded.pushed_at,
    status = case
      when t.status = 'empty' and excluded.status = 'active' and t.pushed_at is not distinct from excluded.pushed_at then 'empty'
      else excluded.status end,
    listed_at = excluded.listed_at,
    synced_at = case
      when (t.organization, t.name, t.default_branch, t.status) is distinct from (excluded.organization, excluded.name, excluded.default_branch,
        case when t.status = 'empty' and excluded.status = 'active' and t.pushed_at is not distinct from excluded.pushed_at then 'empty' else excluded.status end)
      then now() else t.synced_at end
  returning repository_id, status
),
gone as (
  update repositories t set status = 'not_found', synced_at = now()
  where t.enterprise = $1 and t.organization = $2 and t.status <> 'not_found'
    and t.repository_id not in (select r."repositoryId" from listed r)
)
select count(*) as active from saved where status = 'active'
