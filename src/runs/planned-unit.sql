select enterprise, scope, organization, report, series, days::text[] as days from run_plan_units
where run_id = $1 and enterprise = $2 and unit = $3
