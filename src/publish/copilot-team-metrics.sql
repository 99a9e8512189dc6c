-- copilot_team_metrics: enterprise x organization ('' for enterprise teams) x day x team, from the
-- day's membership (user-teams-1-day) joined with the same day's per-user usage in the same scope,
-- never with a 28-day report. $1 is the first day kept. GitHub omits teams under five seated users.
with memberships as (
  -- who belonged to which team that day
  select enterprise, scope, organization, day, team_id, team_slug, user_id
  from copilot_user_teams
  where day >= $1
),
member_usage as (
  -- each member's usage that day in the same scope; no usage record means not active that day
  select m.enterprise, m.scope, m.organization, m.day, m.team_id, m.team_slug, m.user_id,
         u.user_id is not null as active,
         coalesce(u.user_initiated_interaction_count, 0) > 0 or coalesce(u.code_acceptance_activity_count, 0) > 0 as engaged,
         u.user_initiated_interaction_count, u.code_generation_activity_count, u.code_acceptance_activity_count,
         u.loc_suggested_to_add_sum, u.loc_suggested_to_delete_sum, u.loc_added_sum, u.loc_deleted_sum, u.ai_credits_used
  from memberships m
  left join copilot_user_daily u
    on u.enterprise = m.enterprise and u.scope = m.scope and u.organization = m.organization
   and u.day = m.day and u.user_id = m.user_id
),
seat_snapshots as (
  -- per organization and team day, the seat snapshot closest to that day (earlier ones first)
  select distinct on (d.enterprise, s.organization, d.day) d.enterprise, s.organization, d.day, s.snapshot_day
  from (select distinct enterprise, day from memberships) d
  join copilot_seats s on s.enterprise = d.enterprise
  order by d.enterprise, s.organization, d.day, s.snapshot_day > d.day, abs(s.snapshot_day - d.day)
),
seated_members as (
  -- members holding a seat in that snapshot: in their organization, or in any for enterprise teams
  select distinct mu.enterprise, mu.scope, mu.organization, mu.day, mu.team_id, mu.user_id
  from member_usage mu
  join seat_snapshots ss on ss.enterprise = mu.enterprise and ss.day = mu.day and (mu.scope = 'enterprise' or ss.organization = mu.organization)
  join copilot_seats s on s.enterprise = ss.enterprise and s.organization = ss.organization and s.snapshot_day = ss.snapshot_day and s.user_id = mu.user_id
)
select
  mu.enterprise, mu.organization, mu.day, mu.team_id, mu.team_slug,
  count(*) as members,
  count(*) filter (where mu.active) as active_users,
  count(*) filter (where mu.engaged) as engaged_users,
  sum(mu.user_initiated_interaction_count) as user_initiated_interaction_count,
  sum(mu.code_generation_activity_count) as code_generation_activity_count,
  sum(mu.code_acceptance_activity_count) as code_acceptance_activity_count,
  round(sum(mu.code_acceptance_activity_count)::numeric / nullif(sum(mu.code_generation_activity_count), 0), 4) as acceptance_rate,
  sum(mu.loc_suggested_to_add_sum) as loc_suggested_to_add_sum,
  sum(mu.loc_suggested_to_delete_sum) as loc_suggested_to_delete_sum,
  sum(mu.loc_added_sum) as loc_added_sum,
  sum(mu.loc_deleted_sum) as loc_deleted_sum,
  sum(mu.ai_credits_used) as ai_credits_used,
  -- empty when no seat snapshot exists for the enterprise yet
  case when exists (select 1 from seat_snapshots ss where ss.enterprise = mu.enterprise and ss.day = mu.day)
       then count(sm.user_id) end as seats
from member_usage mu
left join seated_members sm
  on sm.enterprise = mu.enterprise and sm.scope = mu.scope and sm.organization = mu.organization
 and sm.day = mu.day and sm.team_id = mu.team_id and sm.user_id = mu.user_id
group by mu.enterprise, mu.scope, mu.organization, mu.day, mu.team_id, mu.team_slug
order by mu.enterprise, mu.organization, mu.day, mu.team_id
