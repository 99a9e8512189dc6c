-- A repository's sync outcome ($3: active, not_found or empty); unchanged rows are not rewritten.
update repositories set status = $3, synced_at = now()
where enterprise = $1 and repository_id = $2 and status is distinct from $3
