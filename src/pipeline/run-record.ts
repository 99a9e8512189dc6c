import { z } from "zod";
import type { Pool } from "../db/index.js";
import { runStore } from "../runs/index.js";
import { dropPlan } from "./run-plan.js";
import { errorSummary } from "./units.js";

export const publishResult = z.discriminatedUnion("ok", [
  z.object({ dataset: z.string(), ok: z.literal(true), files: z.number(), rows: z.number(), skipped: z.number() }),
  z.object({ dataset: z.string(), ok: z.literal(false), error: errorSummary }),
]);
export type PublishResult = z.infer<typeof publishResult>;

export const finishRunInput = z.object({
  runId: z.string(),
  finishedAt: z.string(),
  unitsTotal: z.number(),
  unitsOk: z.number(),
  unitsPending: z.number(),
  unitsFailed: z.number(),
  records: z.number(),
  failures: z.array(errorSummary.extend({ unit: z.string() })),
  /** Failures counted in unitsFailed but not listed (the list is kept short). */
  failuresNotListed: z.number().optional(),
  /** Conditions worth an operator's eye that are not failures, e.g. an endpoint missing on this plan. */
  warnings: z.array(z.string()),
  warningsNotListed: z.number().optional(),
  /** The DORA and velocity computation failed (listed in failures; not a collection unit). */
  computeFailed: z.boolean().optional(),
  publish: z.array(publishResult),
  /** The run stopped because an activity failed every attempt. */
  aborted: z.boolean().optional(),
});
export type FinishRunInput = z.infer<typeof finishRunInput>;

/**
 * What the run came to, as an operator reads it: `failed` when it stopped, when it had collection
 * units and none of them succeeded (a unit whose data is not available yet did not fail), or when
 * every dataset failed to publish; `partial` when some units, datasets or the metrics computation
 * failed; `succeeded` otherwise.
 */
export function runStatus(run: FinishRunInput): RunSummary["status"] {
  const publishFailures = run.publish.filter((result) => !result.ok).length;
  if (run.aborted === true) return "failed";
  if (run.unitsFailed > 0 && run.unitsOk + run.unitsPending === 0) return "failed";
  if (publishFailures > 0 && publishFailures === run.publish.length) return "failed";
  if (run.unitsFailed > 0 || publishFailures > 0 || run.computeFailed === true) return "partial";
  return "succeeded";
}

export const runSummary = finishRunInput.extend({
  status: z.enum(["succeeded", "partial", "failed"]),
  startedAt: z.string(),
  /** Newest day collected per data series, e.g. {"users-1-day": "2026-11-28"}. */
  freshness: z.record(z.string(), z.string()),
});
export type RunSummary = z.infer<typeof runSummary>;

export const startRunInput = z.object({
  runId: z.string(),
  trigger: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  startedAt: z.string(),
});

/** Opens the run's audit row; a repeated call (activity retry, Durable replay) leaves it as is. */
export function startRun(pool: Pool) {
  return async (run: z.infer<typeof startRunInput>): Promise<{ runId: string }> => {
    await runStore.insertRun(pool, run);
    return { runId: run.runId };
  };
}

/** Closes the run's audit row with its outcome and returns the summary shown to the user. */
export function finishRun(pool: Pool) {
  return async (run: FinishRunInput): Promise<RunSummary> => {
    const publishFailed = run.publish.some((result) => !result.ok);
    const status = runStatus(run);
    const freshness = await runStore.runFreshness(pool, run.runId);
    const errors = [
      ...run.failures,
      ...run.publish.flatMap((result) => (result.ok ? [] : [{ unit: `publish ${result.dataset}`, ...result.error }])),
      ...run.warnings.map((warning) => ({ severity: "warning", message: warning })),
      ...notListed(run.failuresNotListed, "failures", "each unit's error is on its checkpoint (status command)"),
      ...notListed(run.warningsNotListed, "warnings", "the first ones are listed above"),
    ];
    const started = await runStore.closeRun(pool, {
      runId: run.runId,
      status,
      finishedAt: run.finishedAt,
      unitsTotal: run.unitsTotal,
      unitsOk: run.unitsOk,
      unitsPending: run.unitsPending,
      unitsFailed: run.unitsFailed,
      records: run.records,
      publishStatus: run.publish.length === 0 ? "skipped" : publishFailed ? "failed" : "succeeded",
      errors,
      freshness,
    });
    await dropPlan(pool, run.runId);
    const startedAt = started?.toISOString() ?? run.finishedAt;
    return { ...run, status, startedAt, freshness };
  };
}

function notListed(count: number | undefined, what: string, where: string): Array<{ severity: string; message: string }> {
  return count === undefined || count === 0 ? [] : [{ severity: "info", message: `${count} more ${what} not listed; ${where}.` }];
}
