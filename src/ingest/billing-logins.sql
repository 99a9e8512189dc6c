-- The people whose billing usage of a scope is asked for, by login (billing knows no ids): everyone
-- seated since $2, and everyone with a usage record since $2 (a person who left this month still
-- used, and was billed, before). $3 '' is the whole enterprise $1; an organization takes its own
-- seats and its own organization-scope usage records.
select user_login from copilot_seats where enterprise = $1 and snapshot_day >= $2::date and ($3::text = '' or organization = $3::text)
union
select user_login from copilot_user_daily where enterprise = $1 and day >= $2::date and ($3::text = '' or organization = $3::text)
order by 1
