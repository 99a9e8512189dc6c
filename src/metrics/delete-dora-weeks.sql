-- The range's weeks of dora_weekly, replaced by dora-weekly.sql in the same transaction.
delete from dora_weekly d using metric_weeks w where d.enterprise = w.enterprise and d.week = w.week
