-- premium_requests_by_user: each person's Copilot billing usage, enterprise x organization x month
-- x product x sku x model x user, from copilot_premium_usage's per-person rows. $1: the first day
-- kept. As in premium_requests, an organization's row (BILLING_USAGE_ORGS) is the person's usage in
-- that organization and the row with organization '' is the rest of their usage in the enterprise
-- (the enterprise's figure minus the organizations', the same person's, read that month), so a
-- plain SUM over the file, or over one organization, is right. Billing names people by login only:
-- the user id comes from the newest seat snapshot or usage record with that login (compared
-- case-insensitively, as GitHub does). A login found in neither keeps its login and no id
-- (user_resolved false): it is never merged with others.
with login_ids as (
  -- each known login of each enterprise, with its latest user id
  select distinct on (enterprise, lower(login)) enterprise, lower(login) as login_key, user_id
  from (
    select enterprise, user_login as login, user_id, snapshot_day as seen from copilot_seats
    union all
    select enterprise, user_login, user_id, day from copilot_user_daily
  ) known
  order by enterprise, lower(login), seen desc
),
people as (
  select * from copilot_premium_usage where user_login <> '' and day >= date_trunc('month', $1::date)
),
organization_sums as (
  -- per enterprise, month, person and key, what the organizations read account for
  select enterprise, day, product, sku, model, lower(user_login) as login_key, min(user_login) as user_login,
         sum(gross_quantity) as gross_quantity, sum(gross_amount) as gross_amount, sum(discount_quantity) as discount_quantity,
         sum(discount_amount) as discount_amount, sum(net_quantity) as net_quantity, sum(net_amount) as net_amount,
         max(unit_type) as unit_type, max(price_per_unit) as price_per_unit, max(unit) as unit
  from people where organization <> ''
  group by enterprise, day, product, sku, model, lower(user_login)
),
enterprise_months as (
  -- the months the enterprise's own per-person figures were read: only there is a rest to compute
  select distinct enterprise, day from people where organization = ''
),
enterprise_rest as (
  -- the person's enterprise figure minus their organizations', key by key; a key of the
  -- organizations that leaves nothing over is left out
  select coalesce(e.enterprise, o.enterprise) as enterprise, '' as organization, coalesce(e.day, o.day) as day,
         coalesce(e.product, o.product) as product, coalesce(e.sku, o.sku) as sku, coalesce(e.model, o.model) as model,
         coalesce(e.user_login, o.user_login) as user_login,
         coalesce(e.unit_type, o.unit_type) as unit_type, coalesce(e.price_per_unit, o.price_per_unit) as price_per_unit,
         coalesce(e.gross_quantity, 0) - coalesce(o.gross_quantity, 0) as gross_quantity,
         coalesce(e.gross_amount, 0) - coalesce(o.gross_amount, 0) as gross_amount,
         coalesce(e.discount_quantity, 0) - coalesce(o.discount_quantity, 0) as discount_quantity,
         coalesce(e.discount_amount, 0) - coalesce(o.discount_amount, 0) as discount_amount,
         coalesce(e.net_quantity, 0) - coalesce(o.net_quantity, 0) as net_quantity,
         coalesce(e.net_amount, 0) - coalesce(o.net_amount, 0) as net_amount,
         coalesce(e.unit, o.unit) as unit,
         o.login_key is not null as has_organizations
  from (select * from people where organization = '') e
  full join organization_sums o
    on o.enterprise = e.enterprise and o.day = e.day and o.product = e.product and o.sku = e.sku and o.model = e.model
   and o.login_key = lower(e.user_login)
  where exists (select 1 from enterprise_months m where m.enterprise = coalesce(e.enterprise, o.enterprise) and m.day = coalesce(e.day, o.day))
),
published as (
  select enterprise, organization, day, product, sku, model, user_login, unit_type, price_per_unit, gross_quantity, gross_amount,
         discount_quantity, discount_amount, net_quantity, net_amount, unit
  from people where organization <> ''
  union all
  select enterprise, organization, day, product, sku, model, user_login, unit_type, price_per_unit, gross_quantity, gross_amount,
         discount_quantity, discount_amount, net_quantity, net_amount, unit
  from enterprise_rest
  where not (has_organizations and gross_quantity = 0 and gross_amount = 0 and discount_quantity = 0 and discount_amount = 0
             and net_quantity = 0 and net_amount = 0)
)
select
  p.enterprise, p.day as month, p.product, p.sku, p.model, i.user_id, p.user_login, p.unit_type,
  p.price_per_unit, p.gross_quantity, p.gross_amount, p.discount_quantity, p.discount_amount, p.net_quantity, p.net_amount,
  p.unit, i.user_id is not null as user_resolved, p.organization
from published p
left join login_ids i on i.enterprise = p.enterprise and i.login_key = lower(p.user_login)
order by p.enterprise, p.day, p.product, p.sku, p.model, p.user_login, p.organization
