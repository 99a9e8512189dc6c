-- Keeps one of each set of identical lines that a file repeats for a user and day: a verbatim
-- repeat is the same record sent twice, and summing it would double the user's counters.
delete from stage_user_daily
where ctid in (
  select ctid
  from (
    select ctid, row_number() over (partition by day, user_id, file_index, md5(staged::text) order by ctid) as copy
    from stage_user_daily as staged
    where (day, user_id, file_index) in (
      select day, user_id, file_index from stage_user_daily group by day, user_id, file_index having count(*) > 1
    )
  ) as numbered
  where copy > 1
)
