-- Copilot billing usage of one scope for the rows read ($4), after their old rows were deleted in
-- the same transaction: GitHub revises these figures, so the newest answer replaces the day (or,
-- for a person, the month) whole. Items with the same key (several cost centers) are combined:
-- quantities and amounts summed.
insert into copilot_premium_usage
  (enterprise, organization, day, product, sku, model, user_login, unit_type, price_per_unit,
   gross_quantity, gross_amount, discount_quantity, discount_amount, net_quantity, net_amount, fetched_at, unit, period)
select $1, $2, u.day, u.product, u.sku, u.model, u.login, max(u."unitType"), max(u."pricePerUnit"),
       sum(u."grossQuantity"), sum(u."grossAmount"), sum(u."discountQuantity"), sum(u."discountAmount"),
       sum(u."netQuantity"), sum(u."netAmount"), $3, max(u.unit), max(u.period)
from jsonb_to_recordset($4::jsonb) as u (
  day date, login text, unit text, period text, product text, sku text, model text, "unitType" text, "pricePerUnit" numeric,
  "grossQuantity" numeric, "grossAmount" numeric, "discountQuantity" numeric, "discountAmount" numeric, "netQuantity" numeric,
  "netAmount" numeric)
group by u.day, u.login, u.product, u.sku, u.model
