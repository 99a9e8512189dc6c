import type { z } from "zod";
import { dayOf } from "../days.js";
import type { ActivityEntry } from "./activities/entry.js";
import { activityTable } from "./activities/table.js";
import type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
import type { PublishResult, RunSummary } from "./run-record.js";
import { RunTally } from "./run-tally.js";
import type { RepositoryShard } from "./repository-shards.js";
import { runInput, type Failure, type RunInput } from "./units.js";

/** Covers what an activity cannot catch itself (a worker crash, a timeout); activities are idempotent. */
export const activityRetry: RetryPolicy = { firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 3, backoffCoefficient: 2 };

/** Activities per Task.all: progress is reported between batches. */
const batchSize = 50;

/** What a unit whose activity failed every attempt (a worker crash, a timeout) counts as. */
type Crashed = Failure;

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
    yield schedule(context, activityTable.finishRun, tally.finishInput(input.runId, context.df.currentUtcDateTime, [], true));
    throw error;
  }
}

function* collectRun(context: OrchestrationContext, input: RunInput, tally: RunTally): Generator<Task, RunSummary, unknown> {
  const { runId } = input;
  const { progress } = tally;
  const showProgress = () => context.df.setCustomStatus(progress);
  // The run's day, for every step: a run that goes past midnight UTC still plans, snapshots and
  // computes for the day it started on.
  const today = dayOf(context.df.currentUtcDateTime);
  showProgress();

  yield schedule(context, activityTable.startRun, {
    runId,
    trigger: input.trigger,
    from: input.from,
    to: input.to,
    startedAt: context.df.currentUtcDateTime.toISOString(),
  });

  // Preflight, one cheap call per enterprise: an enterprise with a configuration fault (no token, a
  // refused token, no answer from GITHUB_API_URL) is left out of the run and reported once, as one
  // failed unit, instead of failing each of its units after minutes of retries.
  const enterprises: Array<RunInput["enterprises"][number]> = [];
  yield* inBatches(
    context,
    activityTable.checkAccess,
    input.enterprises,
    (enterprise) => ({ enterprise: enterprise.slug }),
    (enterprise, result, label) => {
      if (result.ok) enterprises.push(enterprise);
      else {
        tally.planned(1);
        tally.add(label, result);
      }
    },
    showProgress,
  );

  // Each enterprise's report units are planned and stored apart, then handed out by position.
  const planRequest = { runId, today, from: input.from, to: input.to, backfillDays: input.backfillDays, repollDays: input.repollDays };
  const planned: Array<{ enterprise: string; unit: number; of: number }> = [];
  let copilotFrom: string | undefined;
  yield* inBatches(
    context,
    activityTable.planUnits,
    enterprises,
    (enterprise) => ({ ...planRequest, enterprise }),
    (enterprise, plan) => {
      // Planning only reads the checkpoints: when that fails every attempt, so would the rest of the run.
      if ("ok" in plan) throw new PlanningFailed(plan.error.message);
      for (let unit = 0; unit < plan.units; unit++) planned.push({ enterprise: enterprise.slug, unit, of: plan.units });
      if (plan.copilotFrom !== undefined && (copilotFrom === undefined || plan.copilotFrom < copilotFrom)) copilotFrom = plan.copilotFrom;
    },
    showProgress,
  );

  progress.step = "collect";
  tally.planned(planned.length);
  showProgress();
  yield* inBatches(
    context,
    activityTable.ingestReport,
    planned,
    ({ enterprise, unit }) => ({ runId, enterprise, unit }),
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
  const organizations = enterprises.flatMap((enterprise) =>
    enterprise.orgs.map((organization) => ({ enterprise: enterprise.slug, organization })),
  );
  const seatListings = [...organizations, ...enterprises.map((enterprise) => ({ enterprise: enterprise.slug, organization: "" }))];
  tally.planned(seatListings.length);
  yield* inBatches(
    context,
    activityTable.snapshotSeats,
    seatListings,
    (org) => ({ ...org, runId, day: today }),
    (org, result, label) => {
      tally.add(label, result.ok ? { ok: true, status: "ok", records: result.seats } : result);
    },
    showProgress,
  );

  // Repository activity: each organization's repository list, then its repositories in shards
  // (one activity per batch of repositories). A shard stopped by the rate budget is pending: the
  // next run carries on with its repositories.
  tally.planned(organizations.length);
  const shards: RepositoryShard[] = [];
  yield* inBatches(
    context,
    activityTable.listRepositories,
    organizations,
    (org) => ({ ...org, runId }),
    (org, result, label) => {
      tally.add(label, result);
      if (result.ok) for (let shard = 0; shard < result.shards; shard++) shards.push({ ...org, runId, shard, shards: result.shards });
    },
    showProgress,
  );
  tally.planned(shards.length);
  showProgress();
  yield* inBatches(
    context,
    activityTable.syncRepositories,
    shards,
    (shard) => shard,
    (_, result, label) => {
      tally.add(label, result);
    },
    showProgress,
  );

  // Copilot billing usage per enterprise; then DORA and velocity for the weeks this run's changes
  // reach, and the weeks of the Copilot days it read.
  tally.planned(enterprises.length);
  yield* inBatches(
    context,
    activityTable.collectPremiumUsage,
    enterprises,
    (enterprise) => ({ runId, enterprise: enterprise.slug, organizations: enterprise.orgs, today }),
    (_, result, label) => tally.add(label, result),
    showProgress,
  );
  if (enterprises.length > 0) {
    progress.step = "compute";
    showProgress();
    const computeInput = {
      runId,
      enterprises: enterprises.map((enterprise) => enterprise.slug),
      today,
      ...(copilotFrom === undefined ? {} : { copilotFrom }),
    };
    yield* inBatches(
      context,
      activityTable.computeMetrics,
      [null],
      () => computeInput,
      (_, result, label) => tally.computed(label, result),
      showProgress,
    );
  }

  progress.step = "publish";
  showProgress();
  const published: PublishResult[] = [];
  yield* inBatches(
    context,
    activityTable.publishDataset,
    input.datasets,
    (dataset) => ({ runId, dataset, day: today }),
    (dataset, result) => {
      published.push("dataset" in result ? result : { dataset, ...result });
    },
    showProgress,
  );

  progress.step = "record";
  showProgress();
  const summary = activityTable.finishRun.output.parse(
    yield schedule(context, activityTable.finishRun, tally.finishInput(runId, context.df.currentUtcDateTime, published)),
  );
  progress.step = "done";
  showProgress();
  return summary;
}

/** Schedules an activity of the table with the pipeline's retry policy; its input is what the activity's function takes. */
function schedule<I extends z.ZodType, O extends z.ZodType>(
  context: OrchestrationContext,
  entry: ActivityEntry<I, O>,
  input: z.output<I>,
): Task {
  return context.df.callActivityWithRetry(entry.name, activityRetry, input);
}

/**
 * Runs `entry` once per item, `batchSize` at a time, records every item's result (parsed by the
 * entry's output schema: it crossed a process and Durable's history) with the unit name it is
 * reported under, and calls `afterBatch` (the progress report) after each batch; an activity that
 * failed every attempt is recorded as a failed unit, not a failed run. Empty lists schedule
 * nothing (Durable's Task.all refuses them).
 */
function* inBatches<T, I extends z.ZodType, O extends z.ZodType>(
  context: OrchestrationContext,
  entry: ActivityEntry<I, O>,
  items: readonly T[],
  inputOf: (item: T) => z.output<I>,
  record: (item: T, result: z.output<O> | Crashed, label: string) => void,
  afterBatch: () => void,
): Generator<Task, void, unknown> {
  for (let start = 0; start < items.length; start += batchSize) {
    const batch = items.slice(start, start + batchSize).map((item) => ({ item, input: inputOf(item) }));
    const results = yield* settleAll(
      context,
      batch.map((member) => ({ member, task: schedule(context, entry, member.input) })),
    );
    for (const { member, settled } of results) {
      const result = "crashed" in settled ? settled.crashed : entry.output.parse(settled.value);
      record(member.item, result, entry.label?.(member.input) ?? entry.name);
    }
    afterBatch();
  }
}

/**
 * Every task's result, or how it failed, beside the member it was scheduled for. durable-functions'
 * Task.all throws as soon as one member has failed every attempt, while the Durable extension waits
 * for the whole batch (like .NET's Task.WhenAll) and numbers the retry timers and attempts of the
 * members still running after it.
 * Whatever the orchestrator scheduled in between would take those numbers, and the instance would
 * stay Running for good. So after a failure each member is yielded in turn, which schedules
 * nothing, until every one has settled.
 */
function* settleAll<M>(
  context: OrchestrationContext,
  scheduled: ReadonlyArray<{ member: M; task: Task }>,
): Generator<Task, Array<{ member: M; settled: Settled }>, unknown> {
  try {
    const values: unknown = yield context.df.Task.all(scheduled.map(({ task }) => task));
    if (!Array.isArray(values)) throw new Error(`Task.all of ${scheduled.length} activities answered with no list.`);
    const answers: unknown[] = values;
    return scheduled.map(({ member }, index) => ({ member, settled: { value: answers[index] } }));
  } catch {
    const settled: Array<{ member: M; settled: Settled }> = [];
    for (const { member, task } of scheduled) {
      try {
        settled.push({ member, settled: { value: yield task } });
      } catch (error) {
        settled.push({ member, settled: { crashed: crashed(error) } });
      }
    }
    return settled;
  }
}

/** A task's result, or how it failed every attempt. */
type Settled = { value: unknown } | { crashed: Crashed };

/** Durable's error for a task that failed every attempt: its first line is the reason, the rest a stack. */
function crashed(error: unknown): Crashed {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\n.*/s, "").trim();
  return { ok: false, error: { errorClass: error instanceof Error ? error.name : "Error", message: message.slice(0, 2000) } };
}
