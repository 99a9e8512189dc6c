-- The weeks of a range are consecutive, per enterprise: from `starts` to `ends`.
create temporary table metric_bounds on commit drop as
select enterprise, min(week)::timestamp at time zone 'UTC' as starts, (max(week) + 7)::timestamp at time zone 'UTC' as ends
from metric_weeks group by enterprise
