-- Team memberships of one report unit ($1 enterprise, $2 scope, $3 organization). A membership
-- listed in several files is one membership; the newest login wins if it changed.
insert into copilot_user_teams (enterprise, scope, organization, day, team_id, team_slug, user_id, user_login)
select distinct on (day, team_id, user_id) $1, $2, $3, day, team_id, team_slug, user_id, user_login
from stage_user_teams
order by day, team_id, user_id
