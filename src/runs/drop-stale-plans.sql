-- An earlier attempt's plan of this enterprise, and every plan older than the days kept (a crashed run leaves its rows).
delete from run_plan_units where (run_id = $1 and enterprise = $2) or created_at < now() - make_interval(days => $3)
