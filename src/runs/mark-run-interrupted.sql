-- Whatever the record said, the run did not reach its end; the reason is added only to a run not yet closed.
update collection_runs set status = 'interrupted', finished_at = coalesce(finished_at, now()),
  errors = case when finished_at is null
                then errors || jsonb_build_array(jsonb_build_object('unit', 'run', 'errorClass', 'Interrupted', 'message', $2::text))
                else errors end
where run_id = $1
