-- The logins of enterprise $1's per-person billing rows that resolve to no user id (no seat and no
-- usage record has them; premium-requests-by-user.sql resolves the same way): counted in the run's
-- warnings, published apart from the totals.
select count(distinct lower(p.user_login))::int as unresolved
from copilot_premium_usage p
where p.enterprise = $1 and p.user_login <> ''
  and not exists (select 1 from copilot_seats s where s.enterprise = p.enterprise and lower(s.user_login) = lower(p.user_login))
  and not exists (select 1 from copilot_user_daily u where u.enterprise = p.enterprise and lower(u.user_login) = lower(p.user_login))
