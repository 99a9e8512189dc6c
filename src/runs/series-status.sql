-- Per scope and report: the newest day collected, its age on the given day, and the days not collected yet.
select enterprise, organization, report,
       max(day) filter (where status = 'ok')::text as newest,
       count(*) filter (where status <> 'ok') as gaps,
       count(*) filter (where status = 'failed') as failed,
       count(*) filter (where status = 'pending') as pending,
       $1::date - max(day) filter (where status = 'ok') as age_days
from sync_checkpoints group by enterprise, organization, report order by enterprise, organization, report
