import { dayOf } from "../days.js";
import type { EnterpriseConfig, Settings } from "../config/index.js";
import { collectRunInput, newRunId, openRuntime, type Runtime } from "../app/index.js";
import {
  accessLabel,
  activityNames,
  closeAbandonedRuns,
  collectOrchestrator,
  createActivities,
  markRunInterrupted,
  registerRunProcess,
  runLocally,
  type RunSummary,
} from "../pipeline/index.js";
import {
  sandboxEnterprises,
  sandboxReports,
  sandboxRepositoryRoutes,
  sandboxSeatRoute,
  startGitHubServer,
  type GitHubServer,
} from "../sandbox/index.js";
import type { RunArguments } from "./arguments.js";
import type { Interruption } from "./interruption.js";
import { embeddedDataDir, type CliIo } from "./io.js";
import { commandPrefix, copilotRangeNote, nextSteps } from "./next-steps.js";
import { createRunProgress, expectedUnits, terminalLine } from "./progress.js";
import { printSummary } from "./run-summary.js";
import { UsageError } from "./usage-error.js";

/** `run`: collect, compute, publish, record. 0 ok, 1 a unit or publishing failed, 2 no enterprise could start, 130/143 interrupted. */
export async function runCommand(options: RunArguments, settings: Settings, io: CliIo, interruption: Interruption): Promise<number> {
  const { enterprises: configured, server } = await resolveGitHub(settings, io);
  try {
    const enterprises = options.enterprise === undefined ? configured : configured.filter((e) => e.slug === options.enterprise);
    if (enterprises.length === 0) {
      throw new UsageError(
        `--enterprise "${options.enterprise}" is not configured; configured: ${configured.map((e) => e.slug).join(", ")}.`,
        "run",
      );
    }
    return await collect(settings, enterprises, options, io, server, interruption);
  } finally {
    await server?.close();
  }
}

/** The configured enterprises, or the sandbox's with a local GitHub-compatible server. */
async function resolveGitHub(settings: Settings, io: CliIo): Promise<{ enterprises: EnterpriseConfig[]; server?: GitHubServer }> {
  if (settings.ENTERPRISES !== undefined) return { enterprises: settings.ENTERPRISES };
  const today = dayOf(new Date());
  const server = await startGitHubServer({
    reports: sandboxReports(today),
    token: "sandbox-token",
    routes: [sandboxSeatRoute(today), ...sandboxRepositoryRoutes(today)],
  });
  io.out(
    `No ENTERPRISES configured: running against the built-in sandbox (${sandboxEnterprises.map((e) => e.slug).join(", ")}) served on ${server.url}.\n` +
      `To collect from GitHub, set ENTERPRISES='[{"slug":"your-enterprise","orgs":["your-org"]}]' and GITHUB_TOKEN (or KEY_VAULT_URL) in the environment or .env.`,
  );
  return { enterprises: sandboxEnterprises.map((e) => ({ slug: e.slug, orgs: [...e.orgs] })), server };
}

async function collect(
  settings: Settings,
  enterprises: EnterpriseConfig[],
  options: RunArguments,
  io: CliIo,
  server: GitHubServer | undefined,
  interruption: Interruption,
): Promise<number> {
  const runtime = await openRuntime(settings, enterprises, {
    embeddedDataDir: embeddedDataDir(settings),
    ...(server === undefined ? {} : { githubApiUrl: server.url, githubToken: "sandbox-token" }),
    log: io.err,
  });
  try {
    const stopped = interruption.exitCode();
    if (stopped !== undefined) return stopped;
    io.out(`Database: ${runtime.database.description}; publishing to ${runtime.deps.sink.description}.`);
    for (const runId of await closeAbandonedRuns(runtime.database.pool)) {
      io.out(`Run ${runId} was left running by a process that no longer exists: recorded as aborted.`);
    }
    const runId = newRunId("cli", new Date());
    await registerRunProcess(runtime.database.pool, runId);
    const input = collectRunInput(settings, enterprises, {
      runId,
      trigger: "cli",
      request: { ...(options.from === undefined ? {} : { from: options.from }), ...(options.to === undefined ? {} : { to: options.to }) },
    });
    const progress = createRunProgress({
      line: io.out,
      ...(io.terminal === undefined ? {} : { live: terminalLine(io.terminal) }),
      expected: expectedUnits(input),
    });
    let summary: RunSummary;
    try {
      summary = await runLocally(collectOrchestrator, input, {
        activities: progress.observe(createActivities(runtime.deps)),
        concurrency: settings.RUN_CONCURRENCY,
        signal: interruption.signal,
        runAfterAbort: [activityNames.finishRun],
      });
    } catch (error) {
      const code = interruption.exitCode();
      if (code === undefined) throw error;
      return await recordInterruption(runtime, runId, code, io);
    } finally {
      progress.stop();
    }
    // An interrupted run ends with its one line, not with a summary that would call it failed
    // because the units it never started were closed as failed.
    const code = interruption.exitCode();
    if (code !== undefined) return await recordInterruption(runtime, runId, code, io);
    printSummary(summary, io);
    const note = copilotRangeNote(options, dayOf(new Date(summary.startedAt)));
    if (note !== undefined) io.out(`NOTE ${note}`);
    const blocked = enterprises.filter((enterprise) => summary.failures.some((failure) => failure.unit === accessLabel(enterprise.slug)));
    if (blocked.length === enterprises.length) {
      io.err(
        `No enterprise could start: fix the setting${blocked.length === 1 ? "" : "s"} named above, then run \`metrics-collector check\`.`,
      );
      return 2;
    }
    for (const line of nextSteps({
      summary,
      sandbox: server !== undefined,
      publishedTo: runtime.deps.sink.description,
      command: commandPrefix(process.env),
    }))
      io.out(line);
    return summary.status === "succeeded" ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

async function recordInterruption(runtime: Runtime, runId: string, code: number, io: CliIo): Promise<number> {
  const signal = code === 130 ? "SIGINT" : "SIGTERM";
  try {
    await markRunInterrupted(
      runtime.database.pool,
      runId,
      `Interrupted by ${signal}; the units in flight finished, the rest are collected by the next run.`,
    );
    io.err(`Run ${runId} interrupted (${signal}) and recorded as interrupted; the next run resumes where it stopped.`);
  } catch (error) {
    // A server that went away with the signal cannot take the record; the next start closes the run as aborted.
    io.err(
      `Run ${runId} interrupted (${signal}); it could not be recorded (${error instanceof Error ? error.message : String(error)}). The next run resumes where it stopped.`,
    );
  }
  return code;
}
