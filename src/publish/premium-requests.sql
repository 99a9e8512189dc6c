-- premium_requests: enterprise x organization ('' for the enterprise's own figure) x day x product
-- x model (x user: empty for all users), from copilot_premium_usage. $1: the first day kept.
select
  enterprise, organization, day, product, sku, model, null::bigint, nullif(user_login, ''), unit_type,
  price_per_unit, gross_quantity, gross_amount, discount_quantity, discount_amount, net_quantity, net_amount
from copilot_premium_usage
where day >= $1::date
order by enterprise, organization, day, product, sku, model, user_login
