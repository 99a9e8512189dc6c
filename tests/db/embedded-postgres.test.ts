import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/db/index.js";

describe("the embedded PostgreSQL after its collector was killed", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("stops the server a SIGKILLed collector left running, says so, and starts again on the same data", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "orphan-pg-"));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const dataDir = path.join(work, "postgres");
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const child = spawn(process.execPath, [tsx, "tests/support/embedded-child.ts", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    const [collector, url] = line.toString().trim().split(" ");
    const first = new pg.Client({ connectionString: url });
    await first.connect();
    await first.query("create table kept (n integer); insert into kept values (42)");
    await first.end();
    const orphan = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    const exited = once(child, "exit");
    process.kill(Number(collector), "SIGKILL");
    await exited;
    // The server outlives its collector: that is the lock the next start used to trip over.
    expect(() => process.kill(orphan, 0)).not.toThrow();

    const notices: string[] = [];
    const restarted = await startEmbeddedPostgres(dataDir, { throwaway: true, notice: (message) => notices.push(message) });
    cleanups.push(() => restarted.stop());
    expect(notices).toEqual([
      `The embedded PostgreSQL in ${dataDir} (pid ${orphan}) was left running by a collector that is gone (pid ${collector}, killed or crashed); ` +
        "stopping it before starting again. A unit it was writing was rolled back whole.",
    ]);
    expect(() => process.kill(orphan, 0)).toThrow();
    expect(await readFile(path.join(dataDir, "metrics-collector.pid"), "utf8")).toBe(`${process.pid}\n`);
    const second = new pg.Client({ connectionString: restarted.connectionString });
    await second.connect();
    const kept = await second.query("select n from kept");
    await second.end();
    expect(kept.rows).toEqual([{ n: 42 }]);
  }, 180_000);

  it("leaves a server alone whose collector is still running, and fails naming the folder", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "busy-pg-"));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const dataDir = path.join(work, "postgres");
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const child = spawn(process.execPath, [tsx, "tests/support/embedded-child.ts", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
    cleanups.push(async () => {
      // The living collector's server is stopped the way a collector would: PostgreSQL's fast shutdown.
      const pid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "0")).split("\n")[0]);
      process.kill(collector, "SIGKILL");
      if (pid > 0) process.kill(pid, "SIGINT");
      for (let waited = 0; pid > 0 && waited < 30_000 && isAlive(pid); waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
    });
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    const collector = Number(line.toString().split(" ")[0]);
    const notices: string[] = [];
    const error = await startEmbeddedPostgres(dataDir, { throwaway: true, notice: (message) => notices.push(message) }).catch(
      (caught: unknown) => caught,
    );
    expect(notices).toEqual([]);
    expect((error as Error).message).toContain(`Could not start the embedded PostgreSQL in ${dataDir}`);
    expect((error as Error).message).toContain("If another metrics-collector is running on the same folder, wait for it");
  }, 180_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
