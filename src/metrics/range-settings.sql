-- The settings of one range's transaction (sent without parameters, so as one batch).
set local timezone = 'UTC';
-- The grouping sorts and medians run in memory at this size; the default 4 MB spills to disk.
set local work_mem = '256MB';
-- The estimates of joins on several keys ((enterprise, repository, number) and the like) are far
-- too low, and the merge joins they lead to compare on a few keys and filter on the rest: 100x
-- slower on the benchmark's history than hashing every key.
set local enable_mergejoin = off;
