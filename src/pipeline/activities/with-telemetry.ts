import { z } from "zod";
import { redact, telemetryEvents, telemetryMetrics, type Telemetry } from "../../telemetry/index.js";
import type { PublishResult, RunSummary } from "../run-record.js";
import { failure, reportUnit, unitIdentity, type ErrorSummary, type IngestResult } from "../units.js";
import type { Activity } from "./entry.js";
import { activityNames, activityTable } from "./table.js";

// Every activity input that belongs to a run carries its id; it is the run's operation id, so one
// run's telemetry from every worker joins up (the orchestration instance id in Azure).
const runOf = z.object({ runId: z.string() });

export interface TelemetrySources {
  /** The highest share of the GitHub rate limit an enterprise's token used in the current rate-limit window; undefined for an unknown enterprise. */
  rateLimitUsedPercent(enterprise: string): number | undefined;
}

/** The activities as they are when the dependencies bring no telemetry, else observed by it. */
export function observedActivities(
  deps: { telemetry?: Telemetry; github: (enterprise: string) => { peakRateLimitUsedPercent(): number } },
  activities: Record<string, Activity>,
): Record<string, Activity> {
  if (deps.telemetry === undefined) return activities;
  const known = (enterprise: string) => {
    try {
      return deps.github(enterprise);
    } catch {
      // A unit of an enterprise no longer configured: its own result already says so.
      return undefined;
    }
  };
  return withTelemetry(activities, deps.telemetry, { rateLimitUsedPercent: (enterprise) => known(enterprise)?.peakRateLimitUsedPercent() });
}

/**
 * The activities with the telemetry of docs/operations.md around them: the records and rate limit metrics
 * after each report unit, UnitFailed and an exception for a failed unit of any kind (report, seats,
 * repositories, premium usage, metrics), PublishCompleted after each dataset, CollectionRunCompleted
 * and the run duration after finishRun, and an exception for whatever an activity throws. A thrown
 * error leaves the activity with a redacted message only, as the Functions host logs it.
 */
export function withTelemetry(
  activities: Record<string, Activity>,
  telemetry: Telemetry,
  sources: TelemetrySources,
): Record<string, Activity> {
  // The outputs are the activities' own, typed by the table; parsing them here keeps this wrapper
  // one function for every activity.
  const observers: Record<string, (run: Telemetry, input: unknown, output: unknown) => void | Promise<void>> = {
    [activityNames.ingestReport]: (run, input, output) => {
      const result = activityTable.ingestReport.output.safeParse(output);
      if (result.success) observeUnit(run, input, result.data, sources);
    },
    // The other collection units, named as the orchestrator names them.
    [activityNames.snapshotSeats]: failedUnit(activityTable.snapshotSeats),
    [activityNames.listRepositories]: failedUnit(activityTable.listRepositories),
    [activityNames.syncRepositories]: failedUnit(activityTable.syncRepositories),
    [activityNames.collectPremiumUsage]: failedUnit(activityTable.collectPremiumUsage),
    [activityNames.computeMetrics]: failedUnit(activityTable.computeMetrics),
    [activityNames.publishDataset]: (run, _input, output) => {
      const result = activityTable.publishDataset.output.safeParse(output);
      if (result.success) observePublish(run, result.data);
    },
    [activityNames.finishRun]: async (run, _input, output) => {
      const summary = activityTable.finishRun.output.safeParse(output);
      if (summary.success) observeRun(run, summary.data);
      // The last activity of a run: what is buffered goes out before the worker may be recycled.
      // Telemetry that cannot be sent must not fail the run.
      await run.flush().catch(() => undefined);
    },
  };
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => {
      const observe = observers[name];
      const observed: Activity = async (input) => {
        const run = operationOf(telemetry, input);
        let output: unknown;
        try {
          output = await activity(input);
        } catch (error) {
          run.exception(error, { errorClass: error instanceof Error ? error.name : typeof error });
          throw redactedError(error);
        }
        await observe?.(run, input, output);
        return output;
      };
      return [name, observed];
    }),
  );
}

function operationOf(telemetry: Telemetry, input: unknown): Telemetry {
  const run = runOf.safeParse(input);
  return run.success ? telemetry.withOperation(run.data.runId) : telemetry;
}

/** A unit of the stored plan names itself in its result; a unit given whole is its input. */
function observeUnit(run: Telemetry, input: unknown, result: IngestResult, sources: TelemetrySources): void {
  const parsed = reportUnit.safeParse(input);
  const identity = result.unit ?? (parsed.success ? unitIdentity(parsed.data) : undefined);
  const enterprise = identity?.enterprise ?? "";
  const usedPercent = identity === undefined ? undefined : sources.rateLimitUsedPercent(enterprise);
  if (usedPercent !== undefined) run.metric(telemetryMetrics.rateLimitUsedPercent, usedPercent, { enterprise });
  if (result.ok) {
    run.metric(telemetryMetrics.recordsIngested, result.records, { enterprise, report: identity?.report ?? "" });
    return;
  }
  observeFailure(run, identity?.label ?? "invalid unit", result.error);
}

/** UnitFailed and an exception when a unit's activity returned a failure, under the unit's label. */
function failedUnit<I extends z.ZodType>(entry: { input: I; label?: (input: z.output<I>) => string }) {
  return (run: Telemetry, input: unknown, output: unknown): void => {
    const failed = failure.safeParse(output);
    if (!failed.success) return;
    const parsed = entry.input.safeParse(input);
    observeFailure(run, parsed.success && entry.label !== undefined ? entry.label(parsed.data) : "invalid unit", failed.data.error);
  };
}

function observeFailure(run: Telemetry, unit: string, { errorClass, message }: ErrorSummary): void {
  run.event(telemetryEvents.unitFailed, { unit, errorClass, message });
  // The original error stayed in the activity; its class and message are what crossed over.
  const exception = new Error(message);
  exception.name = errorClass;
  exception.stack = `${errorClass}: ${message}`;
  run.exception(exception, { unit, errorClass });
}

function observePublish(run: Telemetry, result: PublishResult): void {
  run.event(
    telemetryEvents.publishCompleted,
    result.ok
      ? { dataset: result.dataset, status: "succeeded", files: result.files, rows: result.rows, skipped: result.skipped }
      : { dataset: result.dataset, status: "failed", errorClass: result.error.errorClass, message: result.error.message },
  );
}

function observeRun(run: Telemetry, summary: RunSummary): void {
  const durationSeconds = Math.max(0, (Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000);
  // The alert rules read status and durationSeconds from customDimensions: they are properties.
  run.event(telemetryEvents.collectionRunCompleted, {
    status: summary.status,
    durationSeconds,
    unitsTotal: summary.unitsTotal,
    unitsOk: summary.unitsOk,
    unitsPending: summary.unitsPending,
    unitsFailed: summary.unitsFailed,
    records: summary.records,
    freshness: JSON.stringify(summary.freshness),
  });
  run.metric(telemetryMetrics.runDurationSeconds, durationSeconds);
}

function redactedError(error: unknown): Error {
  const safe = new Error(redact(error instanceof Error ? error.message : String(error)));
  safe.name = error instanceof Error ? error.name : "Error";
  if (error instanceof Error && error.stack !== undefined) safe.stack = redact(error.stack);
  return safe;
}
