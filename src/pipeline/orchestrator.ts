import { dayOf } from "../days.js";
import type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
import type { FinishRunInput, PublishResult, RunSummary } from "./run-record.js";
import type { AccessCheckResult } from "./activities/check-access.js";
import { computeMetricsLabel, premiumUsageLabel, repositoriesLabel, shardLabel, type CollectionResult, type RepositoryListResult, type RepositoryShard } from "./repository-shards.js";
import { runInput, seatsLabel, unitLabel, type RunInput, type ReportUnit, type SeatSnapshotResult, type UnitResult } from "./units.js";

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
  const tally = new RunTally();
  try {
    return yield* collectRun(context, input, tally);
  } catch (error) {
    // An activity failed all its attempts (a worker crash, a timeout): the run still gets its audit
    // row and its CollectionRunCompleted event, as failed, with what it had done, before the
    // orchestration fails.
    yield context.df.callActivityWithRetry(activityNames.finishRun, activityRetry, {
      ...tally.finishInput(input.runId, context.df.currentUtcDateTime, []),
      failures: [
        { unit: "run", errorClass: "RunAborted", message: error instanceof Error ? error.message.slice(0, 2000) : String(error) },
        ...tally.failures,
      ].slice(0, maxFailuresKept),
      aborted: true,
    } satisfies FinishRunInput);
    throw error;
  }
}

/** What the units of a run came to, whatever their kind; also the progress shown as custom status. */
class RunTally {
  readonly progress: RunProgress = { step: "plan", unitsTotal: 0, unitsDone: 0, unitsFailed: 0, records: 0 };
  readonly failures: FinishRunInput["failures"] = [];
  // One warning per endpoint and scope per run, however many of its days were asked.
  private readonly warnings = new Set<string>();
  private unitsPending = 0;

  /** Counts a unit as planned (`unitsTotal`) before its result comes. */
  planned(count: number): void {
    this.progress.unitsTotal += count;
  }

  /** A unit's result; `pending` (nothing more collected, not a failure): stopped by the rate budget, by default. */
  add(unit: string, result: UnitResult | CollectionResult, pending = result.ok && result.status === "pending"): void {
    this.progress.unitsDone++;
    if (result.ok) {
      this.progress.records += result.records;
      if (pending) this.unitsPending++;
      if (result.warning !== undefined) this.warnings.add(result.warning);
    } else {
      this.progress.unitsFailed++;
      if (this.failures.length < maxFailuresKept) this.failures.push({ unit, ...result.error });
    }
  }

  finishInput(runId: string, finishedAt: Date, publish: PublishResult[]): FinishRunInput {
    const { unitsTotal, unitsFailed, records } = this.progress;
    return {
      runId,
      finishedAt: finishedAt.toISOString(),
      unitsTotal,
      unitsOk: this.progress.unitsDone - unitsFailed - this.unitsPending,
      unitsPending: this.unitsPending,
      unitsFailed,
      records,
      failures: this.failures,
      warnings: [...this.warnings],
      publish,
    };
  }
}

/** The unit name under which an enterprise that could not start is reported. */
export const accessLabel = (enterprise: string) => `${enterprise} access`;

/**
 * Preflight: one cheap call per enterprise. An enterprise with a configuration fault (no token, a
 * refused token, no answer from GITHUB_API_URL) is left out of the run and reported once, as one
 * failed unit, instead of failing each of its units after minutes of retries.
 */
function* enterprisesWithAccess(context: OrchestrationContext, input: RunInput, tally: RunTally): Generator<Task, RunInput["enterprises"], unknown> {
  if (input.enterprises.length === 0) return [];
  const checked = (yield context.df.Task.all(
    input.enterprises.map((enterprise) => context.df.callActivityWithRetry(activityNames.checkAccess, activityRetry, { enterprise: enterprise.slug })),
  )) as AccessCheckResult[];
  return input.enterprises.filter((enterprise, index) => {
    const result = checked[index]!;
    if (result.ok) return true;
    tally.planned(1);
    tally.add(accessLabel(enterprise.slug), result);
    return false;
  });
}

function* collectRun(context: OrchestrationContext, requested: RunInput, tally: RunTally): Generator<Task, RunSummary, unknown> {
  const call = (name: string, activityInput: unknown) => context.df.callActivityWithRetry(name, activityRetry, activityInput);
  const { progress } = tally;
  const started = context.df.currentUtcDateTime;
  // The run's day, for every step: a run that goes past midnight UTC still plans, snapshots and
  // computes for the day it started on.
  const today = dayOf(started);
  context.df.setCustomStatus(progress);

  yield call(activityNames.startRun, { runId: requested.runId, trigger: requested.trigger, from: requested.from, to: requested.to, startedAt: started.toISOString() });
  const input = { ...requested, enterprises: yield* enterprisesWithAccess(context, requested, tally) };
  const units = (yield call(activityNames.planUnits, {
    today,
    from: input.from,
    to: input.to,
    enterprises: input.enterprises,
    backfillDays: input.backfillDays,
    repollDays: input.repollDays,
  })) as ReportUnit[];

  progress.step = "collect";
  tally.planned(units.length);
  context.df.setCustomStatus(progress);
  for (let start = 0; start < units.length; start += batchSize) {
    const batch = units.slice(start, start + batchSize);
    const results = (yield context.df.Task.all(batch.map((unit) => call(activityNames.ingestReport, { ...unit, runId: input.runId })))) as UnitResult[];
    // A report day not yet available, or an endpoint missing here, is pending too.
    results.forEach((result, index) => tally.add(unitLabel(batch[index]!), result, result.ok && result.status !== "ok"));
    context.df.setCustomStatus(progress);
  }

  // Seats: one snapshot per organization and run day (the usage reports omit seats never used).
  const organizations = input.enterprises.flatMap((enterprise) => enterprise.orgs.map((organization) => ({ enterprise: enterprise.slug, organization })));
  if (organizations.length > 0) {
    tally.planned(organizations.length);
    const seatResults = (yield context.df.Task.all(
      organizations.map((org) => call(activityNames.snapshotSeats, { ...org, runId: input.runId, day: today })),
    )) as SeatSnapshotResult[];
    seatResults.forEach((result, index) => tally.add(seatsLabel(organizations[index]!), result.ok ? { ok: true, status: "ok", records: result.seats } : result));
    context.df.setCustomStatus(progress);
  }

  // Repository activity: each organization's repository list, then its repositories in shards
  // (one activity per batch of repositories); then premium request usage per enterprise. A shard
  // stopped by the rate budget is pending: the next run carries on with its repositories.
  if (organizations.length > 0) {
    tally.planned(organizations.length);
    const listed = (yield context.df.Task.all(
      organizations.map((org) => call(activityNames.listRepositories, { ...org, runId: input.runId })),
    )) as RepositoryListResult[];
    const shards: RepositoryShard[] = [];
    listed.forEach((result, index) => {
      const org = organizations[index]!;
      tally.add(repositoriesLabel(org), result);
      if (result.ok) {
        for (let shard = 0; shard < result.shards; shard++) shards.push({ ...org, runId: input.runId, shard, shards: result.shards });
      }
    });
    tally.planned(shards.length);
    context.df.setCustomStatus(progress);
    for (let start = 0; start < shards.length; start += batchSize) {
      const batch = shards.slice(start, start + batchSize);
      const results = (yield context.df.Task.all(batch.map((shard) => call(activityNames.syncRepositories, shard)))) as CollectionResult[];
      results.forEach((result, index) => tally.add(shardLabel(batch[index]!), result));
      context.df.setCustomStatus(progress);
    }
  }
  if (input.enterprises.length > 0) {
    tally.planned(input.enterprises.length);
    const premium = (yield context.df.Task.all(
      input.enterprises.map((enterprise) =>
        call(activityNames.collectPremiumUsage, { runId: input.runId, enterprise: enterprise.slug, organizations: enterprise.orgs, today }),
      ),
    )) as CollectionResult[];
    premium.forEach((result, index) => tally.add(premiumUsageLabel(input.enterprises[index]!.slug), result));

    // DORA and velocity for the weeks this run's changes reach, and the weeks of the Copilot days it read.
    progress.step = "compute";
    tally.planned(1);
    context.df.setCustomStatus(progress);
    const copilotFrom = units.flatMap((unit) => unit.days).sort()[0];
    const computed = (yield call(activityNames.computeMetrics, {
      runId: input.runId,
      enterprises: input.enterprises.map((enterprise) => enterprise.slug),
      today,
      ...(copilotFrom === undefined ? {} : { copilotFrom }),
    })) as CollectionResult;
    tally.add(computeMetricsLabel, computed);
  }

  progress.step = "publish";
  context.df.setCustomStatus(progress);
  const publishResults: PublishResult[] = [];
  if (input.datasets.length > 0) {
    const published = (yield context.df.Task.all(
      input.datasets.map((dataset) => call(activityNames.publishDataset, { runId: input.runId, dataset, day: today })),
    )) as PublishResult[];
    publishResults.push(...published);
  }

  progress.step = "record";
  context.df.setCustomStatus(progress);
  const summary = (yield call(activityNames.finishRun, tally.finishInput(input.runId, context.df.currentUtcDateTime, publishResults))) as RunSummary;
  progress.step = "done";
  context.df.setCustomStatus(progress);
  return summary;
}
