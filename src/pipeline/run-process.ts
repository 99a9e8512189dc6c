import { hostname } from "node:os";
import type { Pool } from "../db/index.js";

/** Notes that this process runs `runId`, so that a later start can tell whether it is still alive. */
export async function registerRunProcess(pool: Pool, runId: string): Promise<void> {
  await pool.query("insert into run_processes (run_id, host, pid) values ($1, $2, $3) on conflict (run_id) do nothing", [runId, hostname(), process.pid]);
}

/**
 * Closes as `aborted` every run still `running` that a process on this host started and that no
 * longer exists (killed, crashed); returns their ids. Runs of other hosts are left to their own.
 */
export async function closeAbandonedRuns(pool: Pool): Promise<string[]> {
  const running = await pool.query<{ run_id: string; pid: number }>(
    `select r.run_id, p.pid from collection_runs r join run_processes p using (run_id)
     where r.status = 'running' and p.host = $1`,
    [hostname()],
  );
  const abandoned = running.rows.filter((row) => row.pid !== process.pid && !isAlive(row.pid)).map((row) => row.run_id);
  if (abandoned.length === 0) return [];
  await pool.query(
    `update collection_runs set status = 'aborted', finished_at = now(),
       errors = errors || jsonb_build_array(jsonb_build_object('unit', 'run', 'errorClass', 'RunAborted',
         'message', 'The process running it ended without closing it (killed or crashed); the next run collected what it missed.'))
     where run_id = any($1) and status = 'running'`,
    [abandoned],
  );
  return abandoned;
}

/** Records `runId` as interrupted (Ctrl-C, SIGTERM): whatever its record said, it did not run to its end. */
export async function markRunInterrupted(pool: Pool, runId: string, reason: string): Promise<void> {
  await pool.query(
    `update collection_runs set status = 'interrupted', finished_at = coalesce(finished_at, now()),
       errors = case when finished_at is null
                     then errors || jsonb_build_array(jsonb_build_object('unit', 'run', 'errorClass', 'Interrupted', 'message', $2::text))
                     else errors end
     where run_id = $1`,
    [runId, reason],
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}
