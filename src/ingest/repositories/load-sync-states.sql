-- Where each resource of a repository stopped: its watermark and the ETag of its last answer.
select resource, status, watermark, etag, etag_url
from repository_sync_state
where enterprise = $1 and repository_id = $2
