select 1 from sync_checkpoints where enterprise = $1 and scope = $2 and organization = $3 and report = $4 and status = 'ok' limit 1
