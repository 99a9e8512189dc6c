-- The per-person rows of one scope for the months read again: a person no longer asked about, or
-- with no usage now, loses the month's old rows.
delete from copilot_premium_usage where enterprise = $1 and organization = $2 and user_login <> '' and day = any($3::date[])
