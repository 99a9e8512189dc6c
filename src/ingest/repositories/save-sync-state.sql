-- How far one resource of one repository got. A failure keeps the watermark and ETag it had
-- (the caller passes them back) and counts the attempt.
insert into repository_sync_state as s
  (enterprise, repository_id, resource, organization, status, watermark, etag, etag_url, attempts, last_error, last_run_id, finished_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, case when $5 = 'failed' then 1 else 0 end, $9, $10, now())
on conflict (enterprise, repository_id, resource) do update set
  organization = excluded.organization,
  status = excluded.status,
  watermark = excluded.watermark,
  etag = excluded.etag,
  etag_url = excluded.etag_url,
  attempts = case when excluded.status = 'failed' then s.attempts + 1 else 0 end,
  last_error = excluded.last_error,
  last_run_id = excluded.last_run_id,
  finished_at = excluded.finished_at
