-- Users that one file of the unit lists more than once for a day, with how many lines and how
-- many different versions of the line: a single version is a verbatim repeat. Only repeated keys
-- are hashed, so a file without repeats costs one hash aggregate.
with repeated as (
  select day, user_id, file_index
  from stage_user_daily
  group by day, user_id, file_index
  having count(*) > 1
)
select
  staged.file_index, staged.day::text as day, staged.user_id, max(staged.user_login) as user_login,
  count(*)::integer as copies, count(distinct md5(staged::text))::integer as versions
from stage_user_daily as staged
join repeated using (day, user_id, file_index)
group by staged.file_index, staged.day, staged.user_id
order by staged.file_index, staged.day, staged.user_id
