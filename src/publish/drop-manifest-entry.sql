-- A file removed from a sink ($1, $2).
delete from publish_manifest where sink = $1 and path = $2
