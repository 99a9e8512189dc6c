-- The days of one scope read from ai_credit/usage, so the one-time catch-up never asks for them again.
insert into billing_ai_credit_days (enterprise, organization, day, read_at)
select $1, $2, unnest($3::date[]), $4
on conflict (enterprise, organization, day) do update set read_at = excluded.read_at
