-- The enterprise's seat listing lists a person once per organization or enterprise team granting
-- the seat; the enterprise snapshot keeps one row per person: the seat used most recently (then
-- the one granted first), so last activity and editor are the person's latest.
insert into copilot_seats
select distinct on (enterprise, organization, snapshot_day, user_id) *
from enterprise_seat_staging
order by enterprise, organization, snapshot_day, user_id, last_activity_at desc nulls last, created_at nulls last, assigning_team nulls last
