import type { FinishRunInput, PublishResult } from "./run-record.js";
import type { CollectionResult } from "./repository-shards.js";
import type { ErrorSummary, UnitResult } from "./units.js";

// What the audit keeps of a run's failures and warnings. finishRun's input and output pass through
// Durable's history, and a run of 50 enterprises can fail hundreds of units: the counts are
// complete, the list names the first few (each unit's own error stays on its checkpoint).
const failuresListed = 8;
const warningsListed = 10;
const messageLength = 300;
const fileLength = 150;
const warningLength = 250;

export interface RunProgress {
  step: "plan" | "collect" | "compute" | "publish" | "record" | "done";
  unitsTotal: number;
  unitsDone: number;
  unitsFailed: number;
  records: number;
}

/** What the units of a run came to, whatever their kind; also the progress shown as custom status. */
export class RunTally {
  readonly progress: RunProgress = { step: "plan", unitsTotal: 0, unitsDone: 0, unitsFailed: 0, records: 0 };
  private readonly failures: FinishRunInput["failures"] = [];
  private failuresNotListed = 0;
  // One warning per endpoint and scope per run, however many of its days were asked.
  private readonly warnings = new Set<string>();
  private unitsPending = 0;
  private computeFailed = false;

  /** Counts collection units as planned (`unitsTotal`) before their results come. */
  planned(count: number): void {
    this.progress.unitsTotal += count;
  }

  /** A collection unit's result; `pending` (nothing more collected, not a failure): stopped by the rate budget, by default. */
  add(unit: string, result: UnitResult | CollectionResult, pending = result.ok && result.status === "pending"): void {
    this.progress.unitsDone++;
    if (result.ok) {
      this.progress.records += result.records;
      if (pending) this.unitsPending++;
      if (result.warning !== undefined) this.warnings.add(result.warning.slice(0, warningLength));
    } else {
      this.progress.unitsFailed++;
      this.fail(unit, result.error);
    }
  }

  /** The metrics computation: a failure is listed and makes the run partial, but it is not a collection unit. */
  computed(label: string, result: CollectionResult): void {
    if (result.ok) return;
    this.computeFailed = true;
    this.fail(label, result.error);
  }

  /** A failure of the run itself (an activity that failed every attempt), listed first. */
  aborted(error: ErrorSummary): void {
    this.failures.unshift({ unit: "run", ...shortened(error) });
  }

  finishInput(runId: string, finishedAt: Date, publish: PublishResult[], aborted = false): FinishRunInput {
    const { unitsTotal, unitsFailed, records } = this.progress;
    const warnings = [...this.warnings];
    return {
      runId,
      finishedAt: finishedAt.toISOString(),
      unitsTotal,
      unitsOk: this.progress.unitsDone - unitsFailed - this.unitsPending,
      unitsPending: this.unitsPending,
      unitsFailed,
      records,
      failures: this.failures.slice(0, failuresListed),
      failuresNotListed: this.failuresNotListed + Math.max(0, this.failures.length - failuresListed),
      warnings: warnings.slice(0, warningsListed),
      warningsNotListed: Math.max(0, warnings.length - warningsListed),
      computeFailed: this.computeFailed,
      publish: publish.map((result) => (result.ok ? result : { ...result, error: shortened(result.error) })),
      ...(aborted ? { aborted } : {}),
    };
  }

  private fail(unit: string, error: ErrorSummary): void {
    if (this.failures.length < failuresListed) this.failures.push({ unit, ...shortened(error) });
    else this.failuresNotListed++;
  }
}

function shortened(error: ErrorSummary): ErrorSummary {
  return {
    ...error,
    message: error.message.slice(0, messageLength),
    ...(error.file === undefined ? {} : { file: error.file.slice(-fileLength) }),
  };
}
