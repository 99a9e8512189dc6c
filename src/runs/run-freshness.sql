-- Newest day collected per data series, over the enterprises the run touched.
select report, max(day)::text as newest from sync_checkpoints
where status = 'ok' and enterprise in (select distinct enterprise from sync_checkpoints where last_run_id = $1)
group by report order by report
