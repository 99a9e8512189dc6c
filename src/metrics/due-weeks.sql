-- The weeks to compute, per enterprise: from the first week a change reaches ($1 enterprises, $2
-- their first weeks) and from the first Copilot week collected ($4, for every enterprise of $5) to
-- the week holding the run's day ($3).
select enterprise, week::date::text as week from (
  select r.enterprise, generate_series(r.first_week, $3::date - (extract(isodow from $3::date)::int - 1), interval '7 days') as week
  from unnest($1::text[], $2::date[]) as r (enterprise, first_week)
  union
  select e.enterprise, generate_series($4::date - (extract(isodow from $4::date)::int - 1), $3::date - (extract(isodow from $3::date)::int - 1), interval '7 days')
  from unnest($5::text[]) as e (enterprise)
  where $4::date is not null
) weeks
order by week, enterprise
