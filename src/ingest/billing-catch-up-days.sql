-- The days of scope ($1 enterprise, $2 organization, '' for the enterprise's own figure) to read
-- once more from ai_credit/usage: every day from 2026-06-01 up to $3 (exclusive; the first day of
-- the previous month, from which every run reads anyway) not yet read from that endpoint, from the
-- first month the installation collected this scope's usage on. An installation that collected
-- before the switch read those days from premium_request/usage; a new one has no row before the
-- months it reads in its first run, so it is asked for nothing more.
with first_collected as (
  select date_trunc('month', min(day))::date as month
  from copilot_premium_usage
  where enterprise = $1 and organization = $2 and user_login = ''
)
select d::date::text as day
from first_collected f
cross join generate_series(greatest(f.month, date '2026-06-01'), $3::date - 1, interval '1 day') d
where f.month is not null
  and not exists (select 1 from billing_ai_credit_days r where r.enterprise = $1 and r.organization = $2 and r.day = d::date)
order by 1
