-- A file published to a sink ($1, $2), with what it holds and the run ($8) that wrote it.
insert into publish_manifest (sink, path, dataset, kind, sha256, rows, bytes, published_at, run_id)
values ($1, $2, $3, $4, $5, $6, $7, now(), $8)
on conflict (sink, path) do update set dataset = excluded.dataset, kind = excluded.kind, sha256 = excluded.sha256,
  rows = excluded.rows, bytes = excluded.bytes, published_at = excluded.published_at, run_id = excluded.run_id
