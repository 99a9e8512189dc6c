-- premium_requests_by_user: each person's Copilot billing usage of an enterprise, enterprise x
-- month x product x sku x model x user, from copilot_premium_usage's per-person rows. $1: the
-- first day kept. Billing names people by login only: the user id comes from the newest seat
-- snapshot or usage record with that login (compared case-insensitively, as GitHub does). A login
-- found in neither keeps its login and no id (user_resolved false): it is never merged with others.
with login_ids as (
  -- each known login of each enterprise, with its latest user id
  select distinct on (enterprise, lower(login)) enterprise, lower(login) as login_key, user_id
  from (
    select enterprise, user_login as login, user_id, snapshot_day as seen from copilot_seats
    union all
    select enterprise, user_login, user_id, day from copilot_user_daily
  ) known
  order by enterprise, lower(login), seen desc
)
select
  p.enterprise, p.day as month, p.product, p.sku, p.model, i.user_id, p.user_login, p.unit_type,
  p.price_per_unit, p.gross_quantity, p.gross_amount, p.discount_quantity, p.discount_amount, p.net_quantity, p.net_amount,
  p.unit, i.user_id is not null as user_resolved
from copilot_premium_usage p
left join login_ids i on i.enterprise = p.enterprise and i.login_key = lower(p.user_login)
where p.user_login <> '' and p.day >= date_trunc('month', $1::date)
order by p.enterprise, p.day, p.product, p.sku, p.model, p.user_login
