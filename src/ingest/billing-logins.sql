-- The people whose billing usage of an enterprise is asked for, by login (billing knows no ids):
-- everyone seated in the enterprise since $2, and everyone with a usage record since $2 (a person
-- who left this month still used, and was billed, before).
select user_login from copilot_seats where enterprise = $1 and snapshot_day >= $2::date
union
select user_login from copilot_user_daily where enterprise = $1 and day >= $2::date
order by 1
