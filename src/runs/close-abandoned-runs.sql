update collection_runs set status = 'aborted', finished_at = now(),
  errors = errors || jsonb_build_array(jsonb_build_object('unit', 'run', 'errorClass', 'RunAborted',
    'message', 'The process running it ended without closing it (killed or crashed); the next run collected what it missed.'))
where run_id = any($1) and status = 'running'
