import { hostname } from "node:os";
import type { Pool } from "../db/index.js";
import { runStore } from "../runs/index.js";

/** Notes that this process runs `runId`, so that a later start can tell whether it is still alive. */
export async function registerRunProcess(pool: Pool, runId: string): Promise<void> {
  await runStore.registerRunProcess(pool, runId, hostname(), process.pid);
}

/**
 * Closes as `aborted` every run still `running` that a process on this host started and that no
 * longer exists (killed, crashed); returns their ids. Runs of other hosts are left to their own.
 */
export async function closeAbandonedRuns(pool: Pool): Promise<string[]> {
  const running = await runStore.runningRunsOfHost(pool, hostname());
  const abandoned = running.filter((row) => row.pid !== process.pid && !isAlive(row.pid)).map((row) => row.run_id);
  if (abandoned.length === 0) return [];
  await runStore.closeAbandonedRuns(pool, abandoned);
  return abandoned;
}

/** Records `runId` as interrupted (Ctrl-C, SIGTERM): whatever its record said, it did not run to its end. */
export async function markRunInterrupted(pool: Pool, runId: string, reason: string): Promise<void> {
  await runStore.markRunInterrupted(pool, runId, reason);
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
