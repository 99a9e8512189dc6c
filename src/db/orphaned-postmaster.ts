import { existsSync, readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Beside PostgreSQL's own `postmaster.pid`, the data directory holds the pid of the collector that
 * started the server. A collector killed with SIGKILL cannot stop its server: the postmaster lives
 * on, keeps the directory locked, and the next start fails as if another collector were running.
 */
const collectorPidFile = "metrics-collector.pid";

/** Records this process as the one whose server runs on `dataDir`. */
export async function claimDataDir(dataDir: string): Promise<void> {
  await writeFile(path.join(dataDir, collectorPidFile), `${process.pid}\n`);
}

export async function releaseDataDir(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, collectorPidFile), { force: true });
}

/**
 * Stops a postmaster still running on `dataDir` whose collector is gone, and says so through
 * `notice`. A postmaster whose collector is alive, or one without our pid file (started by hand or
 * by another tool), is left alone: the start that follows then fails with its own message.
 */
export async function stopOrphanedPostmaster(dataDir: string, notice: (message: string) => void): Promise<void> {
  const postmaster = await pidIn(path.join(dataDir, "postmaster.pid"));
  const collector = await pidIn(path.join(dataDir, collectorPidFile));
  if (postmaster === undefined || collector === undefined || !isPostgres(postmaster)) return;
  if (collector !== process.pid && alive(collector)) return;
  notice(
    `The embedded PostgreSQL in ${dataDir} (pid ${postmaster}) was left running by a collector that is gone (pid ${collector}, ` +
      "killed or crashed); stopping it before starting again. A unit it was writing was rolled back whole.",
  );
  // SIGINT is PostgreSQL's fast shutdown: it ends the dead collector's sessions and rolls back their transactions.
  process.kill(postmaster, "SIGINT");
  for (let waited = 0; alive(postmaster); waited += 100) {
    if (waited >= 60_000) {
      throw new Error(
        `The orphaned embedded PostgreSQL (pid ${postmaster}) in ${dataDir} did not stop within 60 s; stop it (kill ${postmaster}) and start again.`,
      );
    }
    await sleep(100);
  }
  await releaseDataDir(dataDir);
}

async function pidIn(file: string): Promise<number | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  const pid = Number(text?.split("\n")[0]?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the `postgres` user when we run as root).
    return (error as { code?: unknown }).code === "EPERM";
  }
}

/**
 * A recycled pid must not be mistaken for the postmaster. Linux names the program in /proc; where
 * there is no /proc, a live pid is taken at its word.
 */
function isPostgres(pid: number): boolean {
  if (!alive(pid)) return false;
  if (!existsSync("/proc/self")) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
  } catch {
    return false;
  }
}
