-- totals_by_ai_adoption_phase[] of one report unit's staged raw records ($1 enterprise, $2 scope,
-- $3 organization): one row per day and phase. Averages of several files cannot be combined: the
-- last file's phase wins.
insert into copilot_adoption_phase_daily (
  enterprise, scope, organization, day, phase_number, phase, total_engaged_users, avg_user_initiated_interactions,
  avg_code_generation_activities, avg_code_acceptance_activities, avg_loc_added, avg_loc_deleted,
  avg_pull_requests_reviewed, avg_pull_requests_created, avg_pull_requests_merged,
  avg_pull_requests_median_minutes_to_merge
)
select distinct on (s.day, (p ->> 'phase_number')::integer)
  $1, $2, $3, s.day, (p ->> 'phase_number')::integer, p ->> 'phase', (p ->> 'total_engaged_users')::bigint,
  (p ->> 'avg_user_initiated_interactions')::double precision, (p ->> 'avg_code_generation_activities')::double precision,
  (p ->> 'avg_code_acceptance_activities')::double precision, (p ->> 'avg_loc_added')::double precision,
  (p ->> 'avg_loc_deleted')::double precision, (p ->> 'avg_pull_requests_reviewed')::double precision,
  (p ->> 'avg_pull_requests_created')::double precision, (p ->> 'avg_pull_requests_merged')::double precision,
  (p ->> 'avg_pull_requests_median_minutes_to_merge')::double precision
from stage_usage_daily s
cross join lateral jsonb_array_elements(
  case jsonb_typeof(s.raw -> 'totals_by_ai_adoption_phase') when 'array' then s.raw -> 'totals_by_ai_adoption_phase' else '[]'::jsonb end
) as p
where p ->> 'phase_number' is not null
order by s.day, (p ->> 'phase_number')::integer, s.file_index desc
