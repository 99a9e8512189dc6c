-- Per scope and report of the enterprises: the newest day collected and when it was last asked without failing.
select enterprise, organization, report,
       max(day) filter (where status = 'ok')::text as newest_day,
       max(finished_at) filter (where status <> 'failed') as polled_at
from sync_checkpoints where enterprise = any($1)
group by enterprise, organization, report
