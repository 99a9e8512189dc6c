-- The files of one dataset ($2) and kind ($3) published to one sink ($1).
select path, dataset, kind, sha256, rows, bytes from publish_manifest where sink = $1 and dataset = $2 and kind = $3
