-- $1: a key shared by every computation of this product (pg_advisory_lock takes a bigint).
select pg_advisory_lock($1)
