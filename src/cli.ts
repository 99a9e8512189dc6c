import "./pipeline/bound-heap-growth.js";
import { parseArgs } from "node:util";
import { loadSettings, SettingsError, type EnterpriseConfig, type Settings } from "./config/index.js";
import { dayOf, isDay } from "./days.js";
import { collectOrchestrator, createActivities, runLocally, type PipelineDependencies, type RunSummary } from "./pipeline/index.js";
import { collectRunInput, newRunId } from "./pipeline/collect-request.js";
import { openRuntime } from "./pipeline/runtime.js";
import { datasets, forgetUser, hasUserColumn } from "./publish/index.js";
import { sandboxEnterprises, sandboxReports } from "./sandbox/sandbox-data.js";
import { startGitHubServer, type GitHubServer } from "./sandbox/github-server.js";
import { sandboxSeatRoute } from "./sandbox/sandbox-adoption.js";
import { sandboxRepositoryRoutes } from "./sandbox/sandbox-repositories.js";
import { printStatus } from "./pipeline/status-report.js";
import { reingest } from "./pipeline/reingest.js";
import { createRunProgress, expectedUnits, terminalLine, type LiveLine } from "./cli/progress.js";
import { printSummary } from "./cli/run-summary.js";
import { forgetUserReport, noMatchReport, parseForgetUserArguments } from "./cli/forget-user-options.js";
import { commandPrefix, copilotRangeNote, nextSteps } from "./cli/next-steps.js";

const usage = `Usage: metrics-collector <command> [options]

Commands:
  run [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--enterprise SLUG]   collect, publish, record (default for npm start)
  migrate                                                        apply database migrations and exit
  publish                                                        write the CSV datasets only
  forget-user LOGIN [--dry-run] [--force]                        erase a person (data-protection request) and republish
  status                                                         last runs, gaps and failed units, data age
  reingest --from YYYY-MM-DD --to YYYY-MM-DD [--enterprise SLUG]  rebuild the usage tables from the raw archive, no GitHub calls

Settings come from the environment and .env (see README.md). Exit codes: 0 ok, 1 a unit or
publishing failed, 2 bad usage or configuration.`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** A terminal's last line, redrawn for live progress; absent when output is not a terminal. */
  live?: LiveLine;
}

const consoleIo: CliIo = { out: console.log, err: console.error, ...(process.stdout.isTTY ? { live: terminalLine(process.stdout) } : {}) };

const embeddedDataDir = ".data/postgres";

/** Runs one command; returns the exit code. */
export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case "run":
        return await run(rest, io);
      case "migrate":
        return await migrateOnly(rest, io);
      case "publish":
        return await publishOnly(rest, io);
      case "forget-user":
        return await forgetUserCommand(rest, io);
      case "status":
        return await status(rest, io);
      case "reingest":
        return await reingestCommand(rest, io);
      case undefined:
      case "help":
      case "--help":
        io.out(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof SettingsError) {
      io.err(error.message);
      return 2;
    }
    io.err(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

interface RunArguments {
  from?: string;
  to?: string;
  enterprise?: string;
}

function parseRunArguments(args: string[]): RunArguments {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { from: { type: "string" }, to: { type: "string" }, enterprise: { type: "string" } }, strict: true }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  for (const option of ["from", "to"] as const) {
    const value = values[option];
    if (value !== undefined && !isDay(value)) throw new UsageError(`--${option} "${value}" is not a date; write it as YYYY-MM-DD, e.g. --${option} 2026-11-01.`);
  }
  if (values.from !== undefined && values.to !== undefined && values.from > values.to) {
    throw new UsageError(`--from ${values.from} is after --to ${values.to}.`);
  }
  return values;
}

function noArguments(command: string, args: string[]): void {
  if (args.length > 0) throw new UsageError(`"${command}" takes no arguments, got "${args.join(" ")}".`);
}

/** The configured enterprises, or the sandbox's with a local GitHub-compatible server. */
async function resolveGitHub(settings: Settings, io: CliIo): Promise<{ enterprises: EnterpriseConfig[]; server?: GitHubServer }> {
  if (settings.ENTERPRISES !== undefined) return { enterprises: settings.ENTERPRISES };
  const today = dayOf(new Date());
  const server = await startGitHubServer({ reports: sandboxReports(today), token: "sandbox-token", routes: [sandboxSeatRoute(today), ...sandboxRepositoryRoutes(today)] });
  io.out(
    `No ENTERPRISES configured: running against the built-in sandbox (${sandboxEnterprises.map((e) => e.slug).join(", ")}) served on ${server.url}.\n` +
      `To collect from GitHub, set ENTERPRISES='[{"slug":"your-enterprise","orgs":["your-org"]}]' and GITHUB_TOKEN (or KEY_VAULT_URL) in the environment or .env.`,
  );
  return { enterprises: sandboxEnterprises.map((e) => ({ slug: e.slug, orgs: [...e.orgs] })), server };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseRunArguments(args);
  const settings = loadSettings();
  const { enterprises: configured, server } = await resolveGitHub(settings, io);
  try {
    const enterprises = options.enterprise === undefined ? configured : configured.filter((e) => e.slug === options.enterprise);
    if (enterprises.length === 0) {
      throw new UsageError(`--enterprise "${options.enterprise}" is not configured; configured: ${configured.map((e) => e.slug).join(", ")}.`);
    }
    const collected = await collect(settings, enterprises, options, io, server);
    const { summary } = collected;
    printSummary(summary, io);
    const note = copilotRangeNote(options, dayOf(new Date(summary.startedAt)));
    if (note !== undefined) io.out(`NOTE ${note}`);
    for (const line of nextSteps({ summary, sandbox: server !== undefined, publishedTo: collected.publishedTo, command: commandPrefix(process.env) })) io.out(line);
    return summary.status === "succeeded" ? 0 : 1;
  } finally {
    await server?.close();
  }
}

async function collect(settings: Settings, enterprises: EnterpriseConfig[], options: RunArguments, io: CliIo, server: GitHubServer | undefined): Promise<{ summary: RunSummary; publishedTo: string }> {
  const runtime = await openRuntime(settings, enterprises, {
    embeddedDataDir,
    ...(server === undefined ? {} : { githubApiUrl: server.url, githubToken: "sandbox-token" }),
    log: io.err,
  });
  io.out(`Database: ${runtime.database.description}; publishing to ${runtime.deps.sink.description}.`);
  const input = collectRunInput(settings, enterprises, {
    runId: newRunId("cli", new Date()),
    trigger: "cli",
    request: { ...(options.from === undefined ? {} : { from: options.from }), ...(options.to === undefined ? {} : { to: options.to }) },
  });
  const progress = createRunProgress({ line: io.out, ...(io.live === undefined ? {} : { live: io.live }), expected: expectedUnits(input) });
  try {
    const summary = await runLocally(collectOrchestrator, input, { activities: progress.observe(createActivities(runtime.deps)), concurrency: settings.RUN_CONCURRENCY });
    return { summary, publishedTo: runtime.deps.sink.description };
  } finally {
    progress.stop();
    await runtime.close();
  }
}

async function migrateOnly(args: string[], io: CliIo): Promise<number> {
  noArguments("migrate", args);
  const settings = loadSettings();
  const runtime = await openRuntime(settings, [], { embeddedDataDir });
  await runtime.close();
  io.out(`Migrations applied to ${runtime.database.description}.`);
  return 0;
}

async function publishOnly(args: string[], io: CliIo): Promise<number> {
  noArguments("publish", args);
  const settings = loadSettings();
  const runtime = await openRuntime(settings, [], { embeddedDataDir });
  io.out(`Database: ${runtime.database.description}; publishing to ${runtime.deps.sink.description}.`);
  try {
    const summary = await publishRun(runtime.deps, "publish", datasets.map((dataset) => dataset.name), io);
    printSummary(summary, io);
    return summary.status === "succeeded" ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

async function forgetUserCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseForgetUserArguments(args);
  if ("problem" in parsed) throw new UsageError(parsed.problem);
  const { login, dryRun, force } = parsed;
  const settings = loadSettings();
  const runtime = await openRuntime(settings, [], { embeddedDataDir });
  try {
    // Looked up first: a login that matches nothing (a typo) must not delete snapshots or republish.
    const found = await forgetUser(runtime.database.pool, runtime.deps.sink, login, datasets, { dryRun: true });
    const matched = found.tables.some((table) => table.rows > 0);
    if (!matched) {
      const next = dryRun ? "dry-run" : force ? "force" : "stop";
      for (const line of noMatchReport(login, next)) io.out(line);
      if (next !== "force") return 1;
    } else if (dryRun) {
      for (const line of forgetUserReport(login, found, true)) io.out(line);
      return 0;
    }
    if (matched) for (const line of forgetUserReport(login, await forgetUser(runtime.database.pool, runtime.deps.sink, login, datasets), false)) io.out(line);
    // Republishing rewrites every partition whose bytes changed: exactly those that named the person.
    const summary = await publishRun(runtime.deps, "forget-user", datasets.filter(hasUserColumn).map((dataset) => dataset.name), io);
    printSummary(summary, io);
    return summary.status === "succeeded" ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

/** A run that collects nothing and publishes `names`; recorded in collection_runs like any other, failures included. */
async function publishRun(deps: PipelineDependencies, label: string, names: string[], io: CliIo): Promise<RunSummary> {
  const input = collectRunInput(deps.settings, [], { runId: newRunId(label, new Date()), trigger: "cli", request: {}, datasets: names });
  const progress = createRunProgress({ line: io.out, ...(io.live === undefined ? {} : { live: io.live }), expected: expectedUnits(input) });
  try {
    return await runLocally(collectOrchestrator, input, { activities: progress.observe(createActivities(deps)), concurrency: deps.settings.RUN_CONCURRENCY });
  } finally {
    progress.stop();
  }
}

async function reingestCommand(args: string[], io: CliIo): Promise<number> {
  const { from, to, enterprise } = parseRunArguments(args);
  if (from === undefined || to === undefined) throw new UsageError("reingest needs --from and --to, e.g. reingest --from 2026-11-01 --to 2026-11-07.");
  const settings = loadSettings();
  if (settings.ARCHIVE_ACCOUNT_URL === undefined) {
    throw new SettingsError("ARCHIVE_ACCOUNT_URL", "is required by reingest, which reads the raw archive", "https://contosometrics.blob.core.windows.net");
  }
  const runtime = await openRuntime(settings, [], { embeddedDataDir });
  try {
    const archive = runtime.deps.archive!;
    io.out(`Rebuilding ${from}..${to} in ${runtime.database.description} from ${archive.description}.`);
    const runId = newRunId("reingest", new Date());
    const summary = await reingest(runtime.database.pool, archive, { runId, from, to, startedAt: new Date().toISOString(), ...(enterprise === undefined ? {} : { enterprise }) }, io.out);
    printSummary(summary, io);
    return summary.status === "succeeded" ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

async function status(args: string[], io: CliIo): Promise<number> {
  noArguments("status", args);
  const settings = loadSettings();
  const runtime = await openRuntime(settings, [], { embeddedDataDir });
  try {
    await printStatus(runtime.database.pool, dayOf(new Date()), io.out);
    return 0;
  } finally {
    await runtime.close();
  }
}

// Run when executed directly (npm start, the bin), not when imported by tests.
if (process.argv[1] !== undefined && /cli\.(ts|js)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
