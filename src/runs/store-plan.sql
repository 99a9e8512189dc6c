insert into run_plan_units (run_id, enterprise, unit, scope, organization, report, series, days)
select $1, $2, u.unit, u.scope, u.organization, u.report, u.series, u.days
from jsonb_to_recordset($3::jsonb) as u (unit integer, scope text, organization text, report text, series text, days date[])
