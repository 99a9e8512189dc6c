-- The all-users rows of one scope for the days read again: the answer replaces them whole.
delete from copilot_premium_usage where enterprise = $1 and organization = $2 and user_login = '' and day = any($3::date[])
