-- premium_requests: Copilot billing usage of all users, enterprise x organization x day x product
-- x sku x model, from copilot_premium_usage's all-users rows (the per-person rows are the dataset
-- premium_requests_by_user). $1: the first day kept. A plain SUM over the file is right: an
-- organization's row is that organization's usage, and the row with organization '' is the rest of
-- the enterprise's usage (the enterprise's figure minus its organizations read that day). `unit`
-- says what the quantities count: requests before 2026-06-01, ai_credits from then on.
with totals as (
  -- the all-users figures of the enterprise and of the organizations read
  select * from copilot_premium_usage where user_login = '' and day >= $1::date
),
organization_sums as (
  -- per enterprise, day and key, what the organizations read account for
  select enterprise, day, product, sku, model,
         sum(gross_quantity) as gross_quantity, sum(gross_amount) as gross_amount, sum(discount_quantity) as discount_quantity,
         sum(discount_amount) as discount_amount, sum(net_quantity) as net_quantity, sum(net_amount) as net_amount,
         max(unit_type) as unit_type, max(price_per_unit) as price_per_unit, max(unit) as unit
  from totals where organization <> ''
  group by enterprise, day, product, sku, model
),
enterprise_days as (
  -- the days the enterprise's own figure was read: only there is a rest to compute
  select distinct enterprise, day from totals where organization = ''
),
enterprise_rest as (
  -- the enterprise's figure minus its organizations', key by key (a key only the organizations have gives a negative rest)
  select coalesce(e.enterprise, o.enterprise) as enterprise, '' as organization, coalesce(e.day, o.day) as day,
         coalesce(e.product, o.product) as product, coalesce(e.sku, o.sku) as sku, coalesce(e.model, o.model) as model,
         coalesce(e.unit_type, o.unit_type) as unit_type, coalesce(e.price_per_unit, o.price_per_unit) as price_per_unit,
         coalesce(e.gross_quantity, 0) - coalesce(o.gross_quantity, 0) as gross_quantity,
         coalesce(e.gross_amount, 0) - coalesce(o.gross_amount, 0) as gross_amount,
         coalesce(e.discount_quantity, 0) - coalesce(o.discount_quantity, 0) as discount_quantity,
         coalesce(e.discount_amount, 0) - coalesce(o.discount_amount, 0) as discount_amount,
         coalesce(e.net_quantity, 0) - coalesce(o.net_quantity, 0) as net_quantity,
         coalesce(e.net_amount, 0) - coalesce(o.net_amount, 0) as net_amount,
         coalesce(e.unit, o.unit) as unit
  from (select * from totals where organization = '') e
  full join organization_sums o on o.enterprise = e.enterprise and o.day = e.day and o.product = e.product and o.sku = e.sku and o.model = e.model
  where exists (select 1 from enterprise_days d where d.enterprise = coalesce(e.enterprise, o.enterprise) and d.day = coalesce(e.day, o.day))
),
published as (
  select enterprise, organization, day, product, sku, model, unit_type, price_per_unit, gross_quantity, gross_amount,
         discount_quantity, discount_amount, net_quantity, net_amount, unit
  from totals where organization <> ''
  union all
  select * from enterprise_rest
)
select
  enterprise, organization, day, product, sku, model, null::bigint, null::text, unit_type,
  price_per_unit, gross_quantity, gross_amount, discount_quantity, discount_amount, net_quantity, net_amount, unit
from published
order by enterprise, organization, day, product, sku, model
