select enterprise, organization, report, day::text, attempts, last_error, error_file, error_line
from sync_checkpoints where status = 'failed' order by enterprise, organization, report, day limit 50
