delete from run_plan_units where run_id = $1
