import { dayOf } from "../days.js";
import type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
import type { FinishRunInput, PublishResult, RunSummary } from "./run-record.js";
import { shardLabel, type CollectionResult, type RepositoryListResult, type RepositoryShard } from "./repository-shards.js";
import { runInput, unitLabel, type RunInput, type ReportUnit, type SeatSnapshotResult, type UnitResult } from "./units.js";

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
} as const;

/** Covers what an activity cannot catch itself (a worker crash, a timeout); activities are idempotent. */
export const activityRetry: RetryPolicy = { firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 3, backoffCoefficient: 2 };

/** Units per Task.all: progress is reported between batches. */
const batchSize = 50;
const maxFailuresKept = 50;

export interface RunProgress {
  step: "plan" | "collect" | "compute" | "publish" | "record" | "done";
  unitsTotal: number;
  unitsDone: number;
  unitsFailed: number;
  records: number;
}

/**
 * One collection run, as DESIGN §2: plan, fan out, (compute), publish, record. A pure generator:
 * no I/O, no clock but the context's, settings arrive in the input.
 */
export function* collectOrchestrator(context: OrchestrationContext): Generator<Task, RunSummary, unknown> {
  const input = runInput.parse(context.df.getInput());
  try {
    return yield* collectRun(context, input);
  } catch (error) {
    // An activity failed all its attempts (a worker crash, a timeout): the run still gets its audit
    // row and its CollectionRunCompleted event, as failed, before the orchestration fails.
    yield context.df.callActivityWithRetry(activityNames.finishRun, activityRetry, {
      runId: input.runId,
      finishedAt: context.df.currentUtcDateTime.toISOString(),
      unitsTotal: 0,
      unitsOk: 0,
      unitsPending: 0,
      unitsFailed: 0,
      records: 0,
      failures: [{ unit: "run", errorClass: "RunAborted", message: error instanceof Error ? error.message.slice(0, 2000) : String(error) }],
      warnings: [],
      publish: [],
      aborted: true,
    } satisfies FinishRunInput);
    throw error;
  }
}

function* collectRun(context: OrchestrationContext, input: RunInput): Generator<Task, RunSummary, unknown> {
  const call = (name: string, activityInput: unknown) => context.df.callActivityWithRetry(name, activityRetry, activityInput);
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const progress: RunProgress = { step: "plan", unitsTotal: 0, unitsDone: 0, unitsFailed: 0, records: 0 };
  context.df.setCustomStatus(progress);

  yield call(activityNames.startRun, { runId: input.runId, trigger: input.trigger, from: input.from, to: input.to, startedAt });
  const units = (yield call(activityNames.planUnits, {
    today: dayOf(context.df.currentUtcDateTime),
    from: input.from,
    to: input.to,
    enterprises: input.enterprises,
    backfillDays: input.backfillDays,
    repollDays: input.repollDays,
  })) as ReportUnit[];

  progress.step = "collect";
  progress.unitsTotal = units.length;
  context.df.setCustomStatus(progress);
  let unitsPending = 0;
  const failures: FinishRunInput["failures"] = [];
  // One warning per endpoint and scope per run, however many of its days were asked.
  const warnings = new Set<string>();
  for (let start = 0; start < units.length; start += batchSize) {
    const batch = units.slice(start, start + batchSize);
    const results = (yield context.df.Task.all(batch.map((unit) => call(activityNames.ingestReport, { ...unit, runId: input.runId })))) as UnitResult[];
    results.forEach((result, index) => {
      if (result.ok) {
        progress.records += result.records;
        // Not yet available, or an endpoint missing here: nothing collected, not a failure.
        if (result.status !== "ok") unitsPending++;
        if (result.warning !== undefined) warnings.add(result.warning);
      } else {
        progress.unitsFailed++;
        if (failures.length < maxFailuresKept) failures.push({ unit: unitLabel(batch[index]!), ...result.error });
      }
    });
    progress.unitsDone += batch.length;
    context.df.setCustomStatus(progress);
  }

  // Seats: one snapshot per organization and run day (the usage reports omit seats never used).
  const organizations = input.enterprises.flatMap((enterprise) => enterprise.orgs.map((organization) => ({ enterprise: enterprise.slug, organization })));
  if (organizations.length > 0) {
    const seatResults = (yield context.df.Task.all(
      organizations.map((org) => call(activityNames.snapshotSeats, { ...org, day: dayOf(context.df.currentUtcDateTime) })),
    )) as SeatSnapshotResult[];
    seatResults.forEach((result, index) => {
      const org = organizations[index]!;
      if (result.ok) progress.records += result.seats;
      else {
        progress.unitsFailed++;
        if (failures.length < maxFailuresKept) failures.push({ unit: `${org.enterprise}/${org.organization} seats`, ...result.error });
      }
    });
    progress.unitsTotal += organizations.length;
    progress.unitsDone += organizations.length;
    context.df.setCustomStatus(progress);
  }

  // Repository activity: each organization's repository list, then its repositories in shards
  // (one activity per batch of repositories); then premium request usage per enterprise. A shard
  // stopped by the rate budget is pending: the next run carries on with its repositories.
  const tally = (unit: string, result: CollectionResult) => {
    progress.unitsTotal++;
    progress.unitsDone++;
    if (result.ok) {
      progress.records += result.records;
      if (result.status === "pending") unitsPending++;
      if (result.warning !== undefined) warnings.add(result.warning);
    } else {
      progress.unitsFailed++;
      if (failures.length < maxFailuresKept) failures.push({ unit, ...result.error });
    }
  };
  if (organizations.length > 0) {
    const listed = (yield context.df.Task.all(
      organizations.map((org) => call(activityNames.listRepositories, { ...org, runId: input.runId })),
    )) as RepositoryListResult[];
    const shards: RepositoryShard[] = [];
    listed.forEach((result, index) => {
      const org = organizations[index]!;
      tally(`${org.enterprise}/${org.organization} repositories`, result);
      if (result.ok) {
        for (let shard = 0; shard < result.shards; shard++) shards.push({ ...org, runId: input.runId, shard, shards: result.shards });
      }
    });
    context.df.setCustomStatus(progress);
    for (let start = 0; start < shards.length; start += batchSize) {
      const batch = shards.slice(start, start + batchSize);
      const results = (yield context.df.Task.all(batch.map((shard) => call(activityNames.syncRepositories, shard)))) as CollectionResult[];
      results.forEach((result, index) => tally(shardLabel(batch[index]!), result));
      context.df.setCustomStatus(progress);
    }
  }
  if (input.enterprises.length > 0) {
    const premium = (yield context.df.Task.all(
      input.enterprises.map((enterprise) =>
        call(activityNames.collectPremiumUsage, { runId: input.runId, enterprise: enterprise.slug, organizations: enterprise.orgs, today: dayOf(context.df.currentUtcDateTime) }),
      ),
    )) as CollectionResult[];
    premium.forEach((result, index) => tally(`${input.enterprises[index]!.slug} premium request usage`, result));

    // DORA and velocity for the weeks this run's changes reach, and the weeks of the Copilot days it read.
    progress.step = "compute";
    context.df.setCustomStatus(progress);
    const copilotFrom = units.flatMap((unit) => unit.days).sort()[0];
    const computed = (yield call(activityNames.computeMetrics, {
      runId: input.runId,
      enterprises: input.enterprises.map((enterprise) => enterprise.slug),
      today: dayOf(context.df.currentUtcDateTime),
      ...(copilotFrom === undefined ? {} : { copilotFrom }),
    })) as CollectionResult;
    tally("compute DORA and velocity metrics", computed);
  }

  progress.step = "publish";
  context.df.setCustomStatus(progress);
  const publishResults: PublishResult[] = [];
  if (input.datasets.length > 0) {
    const published = (yield context.df.Task.all(
      input.datasets.map((dataset) => call(activityNames.publishDataset, { runId: input.runId, dataset })),
    )) as PublishResult[];
    publishResults.push(...published);
  }

  progress.step = "record";
  context.df.setCustomStatus(progress);
  const summary = (yield call(activityNames.finishRun, {
    runId: input.runId,
    finishedAt: context.df.currentUtcDateTime.toISOString(),
    unitsTotal: progress.unitsTotal,
    unitsOk: progress.unitsTotal - progress.unitsFailed - unitsPending,
    unitsPending,
    unitsFailed: progress.unitsFailed,
    records: progress.records,
    failures,
    warnings: [...warnings],
    publish: publishResults,
  } satisfies FinishRunInput)) as RunSummary;
  progress.step = "done";
  context.df.setCustomStatus(progress);
  return summary;
}
