-- The range's weeks, per enterprise, filled by fill-metric-weeks.sql.
create temporary table metric_weeks (enterprise text, week date, primary key (enterprise, week)) on commit drop
