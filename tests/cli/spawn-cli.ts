import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const binPath = path.join(root, "bin", "metrics-collector.js");

// Settings a developer's shell may carry; every spawned CLI starts without them.
const settingNames = [
  "ENTERPRISES",
  "GITHUB_TOKEN",
  "GITHUB_API_URL",
  "DATABASE_URL",
  "PGHOST",
  "PG_AUTH",
  "KEY_VAULT_URL",
  "SHAREPOINT_DRIVE_ID",
  "ARCHIVE_ACCOUNT_URL",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "OUTPUT_DIR",
  "BACKFILL_DAYS",
  "REPOLL_DAYS",
];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  milliseconds: number;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** The working directory (where .env and .data/ are looked for); a test's own temporary folder. */
  cwd: string;
  /** Called with each line of standard output as it arrives, with the child (to signal it). */
  onLine?: (line: string, child: ChildProcess) => void;
  /** Extra arguments for node before the script (e.g. --import hooks). */
  nodeArgs?: string[];
  script?: string;
  /** Starts the CLI as the leader of its own process group, as a shell starts a foreground job. */
  detached?: boolean;
}

/** Runs the real command-line process (the package's bin) and resolves with its exit status and output. */
export function spawnCli(args: string[], options: SpawnOptions): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !settingNames.includes(name))),
    ...options.env,
  };
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script ?? binPath, ...args], {
    cwd: options.cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached === true,
  });
  let out = "";
  let err = "";
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) options.onLine?.(line, child);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => void (err += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, out, err, milliseconds: performance.now() - started }));
  });
}
