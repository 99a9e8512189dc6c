// How long `metrics-collector --help`, a usage error and a bad setting take from process start to
// exit, through the package's bin, against `node -e 0` measured in the same run and on the same
// machine: the ratio holds across machines and load, the seconds do not.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchOptions } from "./run.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "metrics-collector.js");
// What loading TypeScript through tsx costs before any of our code runs: the floor of the bin's time.
const tsxLoader = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;

const cases: Array<{ name: string; args: string[]; env?: Record<string, string>; code: number }> = [
  { name: "help", args: ["--help"], code: 0 },
  { name: "run_help", args: ["run", "--help"], code: 0 },
  { name: "usage_error", args: ["run", "--from", "tomorrow"], code: 2 },
  { name: "bad_setting", args: ["run"], env: { BACKFILL_DAYS: "forever" }, code: 2 },
];

function timeOnce(args: string[], cwd: string, env: Record<string, string> = {}, expected = 0): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: "ignore" });
  const elapsed = performance.now() - started;
  if (result.status !== expected) throw new Error(`node ${args.join(" ")} exited ${result.status}, expected ${expected}.`);
  return elapsed;
}

function stats(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median: Math.round(median), min: Math.round(sorted[0]!), max: Math.round(sorted.at(-1)!) };
}

export default async function cliHelp(options: BenchOptions): Promise<void> {
  const runs = options.full ? 15 : 7;
  // An empty folder: no .env, no .data/.
  const cwd = mkdtempSync(path.join(tmpdir(), "bench-cli-help-"));
  try {
    // Interleaved, so that a burst of load on the machine hits the baseline as much as the CLI.
    const baseline: number[] = [];
    const tsxOnly: number[] = [];
    const measured = new Map(cases.map((entry) => [entry.name, [] as number[]]));
    timeOnce([bin, "--help"], cwd); // warms tsx's transform cache, as any run after the first
    for (let run = 0; run < runs; run++) {
      baseline.push(timeOnce(["-e", "0"], cwd));
      tsxOnly.push(timeOnce(["--import", tsxLoader, "-e", "0"], cwd));
      for (const entry of cases) measured.get(entry.name)!.push(timeOnce([bin, ...entry.args], cwd, entry.env, entry.code));
    }
    const node = stats(baseline);
    const figures: Record<string, unknown> = { runs, node_ms: node };
    const tsx = stats(tsxOnly);
    figures["tsx_ms"] = { ...tsx, ratio: Math.round((tsx.median / node.median) * 10) / 10 };
    console.log(`node -e 0: median ${node.median} ms (${node.min}-${node.max})`);
    console.log(`node --import tsx -e 0: median ${tsx.median} ms (${tsx.min}-${tsx.max})`);
    for (const [name, samples] of measured) {
      const figure = stats(samples);
      const ratio = Math.round((figure.median / node.median) * 10) / 10;
      figures[name] = { ...figure, ratio };
      console.log(`${name}: median ${figure.median} ms (${figure.min}-${figure.max}), ${ratio}x node -e 0`);
    }
    console.log(JSON.stringify({ bench: "cli_help", ...figures }));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
