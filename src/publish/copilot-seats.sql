-- copilot_seats: enterprise x organization x snapshot day x seat, one month of snapshots per file
-- ($1 the month's first day, $2 the next month's). user_id then user_login feed the `user` column.
-- active_last_28_days: a usage record in the 28 days up to the snapshot, or GitHub's own last
-- activity in that window; false for a seat never used, which the usage reports never show.
-- organization '': the enterprise's own listing, one row per seated person, including the seats
-- granted through enterprise teams that no organization lists.
select
  s.enterprise, s.organization, s.snapshot_day, s.user_id, s.user_login,
  s.plan_type, s.assigning_team, s.created_at, s.last_activity_at, s.last_activity_editor, s.pending_cancellation_date,
  exists (
    select 1 from copilot_user_daily u
    where u.enterprise = s.enterprise and u.user_id = s.user_id
      and u.day > s.snapshot_day - 28 and u.day <= s.snapshot_day
  ) or coalesce(s.last_activity_at >= s.snapshot_day - 28, false) as active_last_28_days,
  s.last_authenticated_at
from copilot_seats s
where s.snapshot_day >= $1 and s.snapshot_day < $2
order by s.enterprise, s.organization, s.snapshot_day, s.user_id
