// Ingest benchmark (issue: Copilot usage ingestion at COPY speed): a users-1-day report of
// 100,000 users served over 127.0.0.1 and ingested end to end, against PostgreSQL's own COPY of
// the same final rows (the floor). Targets: within 2.5x the floor; peak RSS under 300 MB and flat
// (within 20%) between 100,000 and 1,000,000 users (--full).
//
// The measured process runs the compiled JavaScript, as the Function App does: under tsx the
// transpiler's own memory (about 60 MB of RSS) and its loader would be measured with the ingest.
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { startGitHubServer } from "../src/sandbox/github-server.js";
import type { BenchOptions } from "./run.js";
import { benchUserRecord } from "./user-records.js";

interface SizeResult {
  users: number;
  bytes: number;
  seconds: number;
  floor_seconds: number;
  peak_rss_mb: number;
  /** CPU time of the worker (node) and of PostgreSQL during the ingest and during the floor. */
  cpu_seconds: { node: number; postgres: number | null };
  floor_cpu_seconds: { node: number; postgres: number | null };
}

const buildDir = ".bench-build";

/** Compiles the sources and the benchmarks into .bench-build (with the SQL files beside them). */
function build(): void {
  const require = createRequire(import.meta.url);
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.bench.json"], { cwd: root, stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/copy-sql.mjs", buildDir], { cwd: root, stdio: "inherit" });
}

/** Ingests a generated report of `users` users `runs` times, each in a fresh process and database. */
async function measure(users: number, runs: number): Promise<SizeResult[]> {
  const work = await mkdtemp(path.join(tmpdir(), "bench-report-"));
  try {
    const reportFile = path.join(work, "users-1-day.ndjson");
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < users; i++) yield JSON.stringify(benchUserRecord(i, "2026-11-20")) + "\n";
        })(),
      ),
      createWriteStream(reportFile),
    );
    // On disk before the measured process starts, so that writing it back does not share its cores.
    const written = await open(reportFile, "r+");
    await written.sync();
    await written.close();
    // The fake GitHub serves the file from this process, as a remote host would: its work is not
    // the ingest's, and the measured process has its cores to itself.
    const github = await startGitHubServer({
      token: "bench",
      reports: ({ kind }) =>
        kind.report === "users-1-day" ? { kind: "files", files: [{ path: reportFile }] } : { kind: "status", status: 404 },
    });
    try {
      const results: SizeResult[] = [];
      for (let run = 0; run < runs; run++) results.push(await ingestOnce(users, reportFile, github.url));
      return results;
    } finally {
      await github.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function ingestOnce(users: number, reportFile: string, githubUrl: string): Promise<SizeResult> {
  const worker = fileURLToPath(new URL(`../${buildDir}/bench/ingest-worker.js`, import.meta.url));
  const child = spawn(process.execPath, [worker, String(users), reportFile, githubUrl], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (status !== 0) throw new Error(`ingest benchmark for ${users} users failed:\n${stderr}`);
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as SizeResult;
}

const ratioOf = (result: SizeResult) => result.seconds / result.floor_seconds;
/** The CPU the ingest took (node and PostgreSQL) against PostgreSQL's for the floor: less swayed by the other work on the machine. */
const cpuRatioOf = (result: SizeResult) =>
  result.cpu_seconds.postgres === null || result.floor_cpu_seconds.postgres === null
    ? null
    : (result.cpu_seconds.node + result.cpu_seconds.postgres) / (result.floor_cpu_seconds.node + result.floor_cpu_seconds.postgres);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export default async function ingestBenchmark(options: BenchOptions): Promise<void> {
  build();
  // Each run is paired with its own floor, and the run with the median ratio is the one reported:
  // the floor and the ingest both swing by a third with whatever else the 2 cores are doing.
  const runs = await measure(100_000, 3);
  for (const run of runs) {
    const cpu =
      run.cpu_seconds.postgres === null
        ? ""
        : `; CPU node ${run.cpu_seconds.node.toFixed(2)} s + PostgreSQL ${run.cpu_seconds.postgres.toFixed(2)} s against the floor's ${(run.floor_cpu_seconds.postgres ?? 0).toFixed(2)} s, CPU ratio ${cpuRatioOf(run)?.toFixed(2)}`;
    console.log(
      `  run: ${run.seconds.toFixed(2)} s end to end, floor ${run.floor_seconds.toFixed(2)} s, ratio ${ratioOf(run).toFixed(2)}, peak RSS ${run.peak_rss_mb} MB${cpu}`,
    );
  }
  const base = [...runs].sort((a, b) => ratioOf(a) - ratioOf(b))[1]!;
  const peak = Math.max(...runs.map((run) => run.peak_rss_mb));
  const mb = base.bytes / 1048576;
  console.log(
    `100,000 users, ${mb.toFixed(1)} MB (median of 3 runs): ${base.seconds.toFixed(2)} s end to end (${Math.round(100_000 / base.seconds)} records/s, ${(mb / base.seconds).toFixed(1)} MB/s), peak RSS ${peak} MB (highest run)`,
  );
  console.log(
    `floor (COPY of the final rows into an empty table): ${base.floor_seconds.toFixed(2)} s; ratio ${ratioOf(base).toFixed(2)} (target <= 2.5; runs ${runs.map((run) => ratioOf(run).toFixed(2)).join(", ")})`,
  );
  const cpuRatios = runs.map(cpuRatioOf).filter((ratio) => ratio !== null);
  const cpuRatio = cpuRatios.length === runs.length ? median(cpuRatios) : null;
  const nodeCpu = median(runs.map((run) => run.cpu_seconds.node));
  if (cpuRatio !== null)
    console.log(
      `CPU time against the floor's (median of 3): ${cpuRatio.toFixed(2)} (runs ${cpuRatios.map((ratio) => ratio.toFixed(2)).join(", ")}); node alone ${nodeCpu.toFixed(2)} s`,
    );
  let peak1m: number | null = null;
  if (options.full) {
    const [large] = await measure(1_000_000, 1);
    peak1m = large!.peak_rss_mb;
    console.log(
      `1,000,000 users: ${large!.seconds.toFixed(1)} s (floor ${large!.floor_seconds.toFixed(1)} s, ratio ${ratioOf(large!).toFixed(2)}), peak RSS ${peak1m} MB (flat within 20% of ${peak} MB: ${Math.abs(peak1m - peak) <= peak * 0.2})`,
    );
  } else {
    console.log("1,000,000 users: skipped (npm run bench -- ingest --full)");
  }
  console.log(
    JSON.stringify({
      bench: "ingest",
      users: 100_000,
      seconds: round(base.seconds),
      floor_seconds: round(base.floor_seconds),
      ratio: round(ratioOf(base)),
      ratio_min: round(Math.min(...runs.map(ratioOf))),
      ratio_max: round(Math.max(...runs.map(ratioOf))),
      cpu_ratio: cpuRatio === null ? null : round(cpuRatio),
      node_cpu_seconds: round(nodeCpu),
      peak_rss_mb: peak,
      peak_rss_mb_1m: peak1m,
    }),
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
