insert into metric_weeks select * from unnest($1::text[], $2::date[])
