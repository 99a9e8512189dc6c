import { dayOf } from "../days.js";
import type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
import type { FinishRunInput, PublishResult, RunSummary } from "./run-record.js";
import { runInput, unitLabel, type ReportUnit, type UnitResult } from "./units.js";

export const activityNames = {
  startRun: "startRun",
  planUnits: "planUnits",
  ingestReport: "ingestReport",
  publishDataset: "publishDataset",
  finishRun: "finishRun",
} as const;

/** Covers what an activity cannot catch itself (a worker crash, a timeout); activities are idempotent. */
export const activityRetry: RetryPolicy = { firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 3, backoffCoefficient: 2 };

/** Units per Task.all: progress is reported between batches. */
const batchSize = 50;
const maxFailuresKept = 50;

export interface RunProgress {
  step: "plan" | "collect" | "publish" | "record" | "done";
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
  for (let start = 0; start < units.length; start += batchSize) {
    const batch = units.slice(start, start + batchSize);
    const results = (yield context.df.Task.all(batch.map((unit) => call(activityNames.ingestReport, { ...unit, runId: input.runId })))) as UnitResult[];
    results.forEach((result, index) => {
      if (result.ok) {
        progress.records += result.records;
        if (result.status === "pending") unitsPending++;
      } else {
        progress.unitsFailed++;
        if (failures.length < maxFailuresKept) failures.push({ unit: unitLabel(batch[index]!), ...result.error });
      }
    });
    progress.unitsDone += batch.length;
    context.df.setCustomStatus(progress);
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
    unitsTotal: units.length,
    unitsOk: units.length - progress.unitsFailed - unitsPending,
    unitsPending,
    unitsFailed: progress.unitsFailed,
    records: progress.records,
    failures,
    publish: publishResults,
  } satisfies FinishRunInput)) as RunSummary;
  progress.step = "done";
  context.df.setCustomStatus(progress);
  return summary;
}
