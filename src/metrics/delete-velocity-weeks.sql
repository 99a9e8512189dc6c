-- The range's weeks of velocity_weekly, replaced by velocity-weekly.sql in the same transaction.
delete from velocity_weekly v using metric_weeks w where v.enterprise = w.enterprise and v.week = w.week
