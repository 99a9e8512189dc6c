import { dayOf } from "../days.js";
import type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
import type { AccessCheckResult } from "./activities/check-access.js";
import type { PublishResult, RunSummary } from "./run-record.js";
import { RunTally } from "./run-tally.js";
import {
  computeMetricsLabel, premiumUsageLabel, repositoriesLabel, shardLabel, type CollectionResult, type RepositoryListResult, type RepositoryShard,
} from "./repository-shards.js";
import { runInput, seatsLabel, type ErrorSummary, type PlanSummary, type RunInput, type SeatSnapshotResult, type UnitIdentity, type UnitResult } from "./units.js";

export type { RunProgress } from "./run-tally.js";

export const activityNames = {
  startRun: "startRun",
  planUnits: "planUnits",
  ingestReport: "ingestReport",
  snapshotSeats: "snapshotSeats",
  listRepositories: "listRepositories",
  syncRepositories: "syncRepositories",
  collectPremiumUsage: "collectPremiumUsage",
  computeMetrics: "computeMetrics",
  publishDataset: "publishDataset",
  finishRun: "finishRun",
  checkAccess: "checkAccess",
} as const;

/** Covers what an activity cannot catch itself (a worker crash, a timeout); activities are idempotent. */
export const activityRetry: RetryPolicy = { firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 3, backoffCoefficient: 2 };

/** Activities per Task.all: progress is reported between batches. */
const batchSize = 50;

/** What a unit whose activity failed every attempt (a worker crash, a timeout) counts as. */
type Crashed = { ok: false; error: ErrorSummary };

/** Planning failed every attempt; the run stops (after the whole planning batch has settled). */
class PlanningFailed extends Error {
  override name = "PlanningFailed";
}

/**
 * One collection run: plan, fan out, compute, publish, record. A pure generator: no I/O, no clock
 * but the context's, settings arrive in the input.
 */
export function* collectOrchestrator(context: OrchestrationContext): Generator<Task, RunSummary, unknown> {
  const input = runInput.parse(context.df.getInput());
  const tally = new RunTally();
  try {
    return yield* collectRun(context, input, tally);
  } catch (error) {
    // A step outside the fan-outs failed all its attempts (a worker crash, a timeout): the run
    // still gets its audit row and its CollectionRunCompleted event, as failed, with what it had
    // done, before the orchestration fails.
    tally.aborted({ errorClass: "RunAborted", message: crashed(error).error.message });
    yield context.df.callActivityWithRetry(activityNames.finishRun, activityRetry, tally.finishInput(input.runId, context.df.currentUtcDateTime, [], true));
    throw error;
  }
}

function* collectRun(context: OrchestrationContext, input: RunInput, tally: RunTally): Generator<Task, RunSummary, unknown> {
  const call = (name: string, activityInput: unknown) => context.df.callActivityWithRetry(name, activityRetry, activityInput);
  const { runId } = input;
  const { progress } = tally;
  const showProgress = () => context.df.setCustomStatus(progress);
  // The run's day, for every step: a run that goes past midnight UTC still plans, snapshots and
  // computes for the day it started on.
  const today = dayOf(context.df.currentUtcDateTime);
  showProgress();

  yield call(activityNames.startRun, { runId, trigger: input.trigger, from: input.from, to: input.to, startedAt: context.df.currentUtcDateTime.toISOString() });

  // Preflight, one cheap call per enterprise: an enterprise with a configuration fault (no token, a
  // refused token, no answer from GITHUB_API_URL) is left out of the run and reported once, as one
  // failed unit, instead of failing each of its units after minutes of retries.
  const enterprises: Array<RunInput["enterprises"][number]> = [];
  yield* inBatches<RunInput["enterprises"][number], AccessCheckResult>(context, input.enterprises, (enterprise) => call(activityNames.checkAccess, { enterprise: enterprise.slug }), (enterprise, result) => {
    if (result.ok) enterprises.push(enterprise);
    else {
      tally.planned(1);
      tally.add(accessLabel(enterprise.slug), result);
    }
  }, showProgress);

  // Each enterprise's report units are planned and stored apart, then handed out by position.
  const planRequest = { runId, today, from: input.from, to: input.to, backfillDays: input.backfillDays, repollDays: input.repollDays };
  const planned: Array<{ enterprise: string; unit: number; of: number }> = [];
  let copilotFrom: string | undefined;
  yield* inBatches<RunInput["enterprises"][number], PlanSummary | Crashed>(context, enterprises, (enterprise) => call(activityNames.planUnits, { ...planRequest, enterprise }), (enterprise, plan) => {
    // Planning only reads the checkpoints: when that fails every attempt, so would the rest of the run.
    if ("ok" in plan) throw new PlanningFailed(plan.error.message);
    for (let unit = 0; unit < plan.units; unit++) planned.push({ enterprise: enterprise.slug, unit, of: plan.units });
    if (plan.copilotFrom !== undefined && (copilotFrom === undefined || plan.copilotFrom < copilotFrom)) copilotFrom = plan.copilotFrom;
  }, showProgress);

  progress.step = "collect";
  tally.planned(planned.length);
  showProgress();
  yield* inBatches<(typeof planned)[number], UnitResult & { unit?: UnitIdentity }>(
    context,
    planned,
    ({ enterprise, unit }) => call(activityNames.ingestReport, { runId, enterprise, unit }),
    ({ enterprise, unit, of }, result) => {
      // A report day not yet available, or an endpoint missing here, is pending too.
      const label = "unit" in result && result.unit !== undefined ? result.unit.label : `${enterprise} report unit ${unit + 1} of ${of}`;
      tally.add(label, result, result.ok && result.status !== "ok");
    },
    showProgress,
  );

  // Seats: one snapshot per organization and run day (the usage reports omit seats never used),
  // and one of each enterprise's own listing (organization ""), the only one that shows seats
  // granted through enterprise teams.
  const organizations = enterprises.flatMap((enterprise) => enterprise.orgs.map((organization) => ({ enterprise: enterprise.slug, organization })));
  const seatListings = [...organizations, ...enterprises.map((enterprise) => ({ enterprise: enterprise.slug, organization: "" }))];
  tally.planned(seatListings.length);
  yield* inBatches<(typeof seatListings)[number], SeatSnapshotResult>(context, seatListings, (org) => call(activityNames.snapshotSeats, { ...org, runId, day: today }), (org, result) => {
    tally.add(seatsLabel(org), result.ok ? { ok: true, status: "ok", records: result.seats } : result);
  }, showProgress);

  // Repository activity: each organization's repository list, then its repositories in shards
  // (one activity per batch of repositories). A shard stopped by the rate budget is pending: the
  // next run carries on with its repositories.
  tally.planned(organizations.length);
  const shards: RepositoryShard[] = [];
  yield* inBatches<(typeof organizations)[number], RepositoryListResult>(context, organizations, (org) => call(activityNames.listRepositories, { ...org, runId }), (org, result) => {
    tally.add(repositoriesLabel(org), result);
    if (result.ok) for (let shard = 0; shard < result.shards; shard++) shards.push({ ...org, runId, shard, shards: result.shards });
  }, showProgress);
  tally.planned(shards.length);
  showProgress();
  yield* inBatches<RepositoryShard, CollectionResult>(context, shards, (shard) => call(activityNames.syncRepositories, shard), (shard, result) => {
    tally.add(shardLabel(shard), result);
  }, showProgress);

  // Copilot billing usage per enterprise; then DORA and velocity for the weeks this run's changes
  // reach, and the weeks of the Copilot days it read.
  tally.planned(enterprises.length);
  yield* inBatches<RunInput["enterprises"][number], CollectionResult>(
    context,
    enterprises,
    (enterprise) => call(activityNames.collectPremiumUsage, { runId, enterprise: enterprise.slug, organizations: enterprise.orgs, today }),
    (enterprise, result) => tally.add(premiumUsageLabel(enterprise.slug), result),
    showProgress,
  );
  if (enterprises.length > 0) {
    progress.step = "compute";
    showProgress();
    const computeInput = { runId, enterprises: enterprises.map((enterprise) => enterprise.slug), today, ...(copilotFrom === undefined ? {} : { copilotFrom }) };
    yield* inBatches<null, CollectionResult>(context, [null], () => call(activityNames.computeMetrics, computeInput), (_, result) => tally.computed(computeMetricsLabel, result), showProgress);
  }

  progress.step = "publish";
  showProgress();
  const published: PublishResult[] = [];
  yield* inBatches<string, PublishResult | Crashed>(context, input.datasets, (dataset) => call(activityNames.publishDataset, { runId, dataset, day: today }), (dataset, result) => {
    published.push("dataset" in result ? result : { dataset, ...result });
  }, showProgress);

  progress.step = "record";
  showProgress();
  const summary = (yield call(activityNames.finishRun, tally.finishInput(runId, context.df.currentUtcDateTime, published))) as RunSummary;
  progress.step = "done";
  showProgress();
  return summary;
}

/** The unit name under which an enterprise that could not start is reported. */
export const accessLabel = (enterprise: string) => `${enterprise} access`;

/**
 * Runs one activity per item, `batchSize` at a time, records every item's result and calls
 * `afterBatch` (the progress report) after each batch; an activity that failed every attempt is
 * recorded as a failed unit, not a failed run. Empty lists schedule nothing (Durable's Task.all
 * refuses them).
 */
function* inBatches<T, R>(
  context: OrchestrationContext,
  items: readonly T[],
  schedule: (item: T) => Task,
  record: (item: T, result: R | Crashed) => void,
  afterBatch: () => void,
): Generator<Task, void, unknown> {
  for (let start = 0; start < items.length; start += batchSize) {
    const batch = items.slice(start, start + batchSize);
    const tasks = batch.map(schedule);
    const results = yield* settleAll<R>(context, tasks);
    results.forEach((result, index) => record(batch[index]!, result));
    afterBatch();
  }
}

/**
 * Every task's result, or how it failed. durable-functions' Task.all throws as soon as one member
 * has failed every attempt, while the Durable extension waits for the whole batch (like .NET's
 * Task.WhenAll) and numbers the retry timers and attempts of the members still running after it.
 * Whatever the orchestrator scheduled in between would take those numbers, and the instance would
 * stay Running for good. So after a failure each member is yielded in turn, which schedules
 * nothing, until every one has settled.
 */
function* settleAll<R>(context: OrchestrationContext, tasks: Task[]): Generator<Task, Array<R | Crashed>, unknown> {
  try {
    return (yield context.df.Task.all(tasks)) as R[];
  } catch {
    const settled: Array<R | Crashed> = [];
    for (const task of tasks) {
      try {
        settled.push((yield task) as R);
      } catch (error) {
        settled.push(crashed(error));
      }
    }
    return settled;
  }
}

/** Durable's error for a task that failed every attempt: its first line is the reason, the rest a stack. */
function crashed(error: unknown): Crashed {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
  return { ok: false, error: { errorClass: error instanceof Error ? error.name : "Error", message: message.slice(0, 2000) } };
}
