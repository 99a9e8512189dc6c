select enterprise, scope, organization, report, day, status from sync_checkpoints where enterprise = any($1)
