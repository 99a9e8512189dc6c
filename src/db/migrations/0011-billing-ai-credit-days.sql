-- The days of Copilot billing usage (all users, per enterprise or organization, '' for the
-- enterprise's own figure) last read from ai_credit/usage. Installations that ran before the
-- collector knew AI credits read days from 2026-06-01 from premium_request/usage and got no AI
-- credits for them; a day from 2026-06-01 missing here, in a month the installation already
-- collected, is read once more from ai_credit/usage, replacing what the other endpoint left.
create table billing_ai_credit_days (
  enterprise   text not null,
  organization text not null default '',
  day          date not null check (day >= date '2026-06-01'),
  read_at      timestamptz not null,
  primary key (enterprise, organization, day)
);

-- Days already read from ai_credit/usage by the release that first knew AI credits: their rows
-- say so. (A day it read with no usage left no row and is read once more.)
insert into billing_ai_credit_days (enterprise, organization, day, read_at)
select enterprise, organization, day, max(fetched_at)
from copilot_premium_usage
where user_login = '' and day >= date '2026-06-01'
group by enterprise, organization, day
having bool_and(unit = 'ai_credits');
