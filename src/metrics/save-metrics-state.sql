-- How far each enterprise ($1) is computed: the mark ($2) and the definitions ($3) it was computed with.
insert into metrics_state (enterprise, computed_through, definitions, computed_at)
select enterprise, $2::timestamptz, $3, now() from unnest($1::text[]) as e (enterprise)
on conflict (enterprise) do update set
  computed_through = excluded.computed_through, definitions = excluded.definitions, computed_at = excluded.computed_at
