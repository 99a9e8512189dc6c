import { SettingsError, type Settings } from "../config/index.js";
import { dayOf } from "../days.js";
import { collectRunInput, newRunId, openRuntime, printStatus, readStatus, type Runtime } from "../app/index.js";
import {
  collectOrchestrator,
  createActivities,
  reingest,
  runLocally,
  type PipelineDependencies,
  type RunSummary,
} from "../pipeline/index.js";
import { datasets, forgetUser, hasUserColumn } from "../publish/index.js";
import type { Interruption } from "./interruption.js";
import type { ForgetUserArguments } from "./forget-user-options.js";
import { forgetUserReport, noMatchReport } from "./forget-user-options.js";
import { embeddedDataDir, type CliIo } from "./io.js";
import { createRunProgress, expectedUnits, terminalLine } from "./progress.js";
import { printSummary } from "./run-summary.js";

/**
 * Opens the database for a command that does not watch for Ctrl-C itself: on SIGINT or SIGTERM the
 * pool is closed and the embedded PostgreSQL stopped before the process exits 130 or 143.
 */
async function withRuntime(settings: Settings, interruption: Interruption, work: (runtime: Runtime) => Promise<number>): Promise<number> {
  const runtime = await openRuntime(settings, [], { embeddedDataDir: embeddedDataDir(settings) });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= runtime.close());
  interruption.onInterrupt(() => void close().finally(() => process.exit(interruption.exitCode())));
  try {
    return interruption.exitCode() ?? (await work(runtime));
  } finally {
    await close();
  }
}

export async function migrateCommand(_args: undefined, settings: Settings, io: CliIo, interruption: Interruption): Promise<number> {
  return withRuntime(settings, interruption, async (runtime) => {
    io.out(`Migrations applied to ${runtime.database.description}.`);
    return 0;
  });
}

export async function publishCommand(_args: undefined, settings: Settings, io: CliIo, interruption: Interruption): Promise<number> {
  return withRuntime(settings, interruption, async (runtime) => {
    io.out(`Database: ${runtime.database.description}; publishing to ${runtime.deps.sink.description}.`);
    const summary = await publishRun(
      runtime.deps,
      "publish",
      datasets.map((dataset) => dataset.name),
      io,
    );
    printSummary(summary, io);
    return summary.status === "succeeded" ? 0 : 1;
  });
}

export async function forgetUserCommand(
  { login, dryRun, force }: ForgetUserArguments,
  settings: Settings,
  io: CliIo,
  interruption: Interruption,
): Promise<number> {
  return withRuntime(settings, interruption, async (runtime) => {
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
    if (matched)
      for (const line of forgetUserReport(login, await forgetUser(runtime.database.pool, runtime.deps.sink, login, datasets), false))
        io.out(line);
    // Republishing rewrites every partition whose bytes changed: exactly those that named the person.
    const summary = await publishRun(
      runtime.deps,
      "forget-user",
      datasets.filter(hasUserColumn).map((dataset) => dataset.name),
      io,
    );
    printSummary(summary, io);
    return summary.status === "succeeded" ? 0 : 1;
  });
}

/** A run that collects nothing and publishes `names`; recorded in collection_runs like any other, failures included. */
async function publishRun(deps: PipelineDependencies, label: string, names: string[], io: CliIo): Promise<RunSummary> {
  const input = collectRunInput(deps.settings, [], { runId: newRunId(label, new Date()), trigger: "cli", request: {}, datasets: names });
  const progress = createRunProgress({
    line: io.out,
    ...(io.terminal === undefined ? {} : { live: terminalLine(io.terminal) }),
    expected: expectedUnits(input),
  });
  try {
    return await runLocally(collectOrchestrator, input, {
      activities: progress.observe(createActivities(deps)),
      concurrency: deps.settings.RUN_CONCURRENCY,
    });
  } finally {
    progress.stop();
  }
}

export async function reingestCommand(
  { from, to, enterprise }: { from: string; to: string; enterprise?: string },
  settings: Settings,
  io: CliIo,
  interruption: Interruption,
): Promise<number> {
  const noArchive = () =>
    new SettingsError(
      "ARCHIVE_ACCOUNT_URL",
      "is required by reingest, which reads the raw archive",
      "https://contosometrics.blob.core.windows.net",
    );
  // Checked before the database opens; the runtime opens the archive from the same setting.
  if (settings.ARCHIVE_ACCOUNT_URL === undefined) throw noArchive();
  return withRuntime(settings, interruption, async (runtime) => {
    const archive = runtime.deps.archive;
    if (archive === undefined) throw noArchive();
    io.out(`Rebuilding ${from}..${to} in ${runtime.database.description} from ${archive.description}.`);
    const runId = newRunId("reingest", new Date());
    const summary = await reingest(
      runtime.database.pool,
      archive,
      { runId, from, to, startedAt: new Date().toISOString(), ...(enterprise === undefined ? {} : { enterprise }) },
      io.out,
    );
    printSummary(summary, io);
    return summary.status === "succeeded" ? 0 : 1;
  });
}

export async function statusCommand(json: boolean, settings: Settings, io: CliIo, interruption: Interruption): Promise<number> {
  return withRuntime(settings, interruption, async (runtime) => {
    const today = dayOf(new Date());
    if (json) io.out(JSON.stringify(await readStatus(runtime.database.pool, today), null, 2));
    else await printStatus(runtime.database.pool, today, io.out);
    return 0;
  });
}
