import { z } from "zod";
import {
  activityNames,
  computeMetricsLabel,
  organizationInput,
  plannedUnitInput,
  premiumUsageInput,
  premiumUsageLabel,
  repositoriesLabel,
  repositoryShard,
  reportUnit,
  seatSnapshotInput,
  seatsLabel,
  shardLabel,
  unitLabel,
  type Activity,
} from "../pipeline/index.js";

/**
 * A named step of a run as the user sees it: one kind of activity. The records of each step are
 * those the run counts in its summary (`RunTally` in the orchestrator), so the steps add up to it.
 */
interface StepKind {
  label: string;
  /** What one unit of the step is, plural. */
  units: string;
  /** What the unit's input names, for "waiting for …". */
  describe: (input: unknown) => string;
  /** The records the run's summary counts for this result. */
  records: (result: unknown) => number;
  /** Publishing counts rows and files written, not records collected. */
  writesFiles?: true;
}

const collected = z.object({ ok: z.literal(true), records: z.number() });
const seatsTaken = z.object({ ok: z.literal(true), seats: z.number() });
const published = z.object({ ok: z.literal(true), dataset: z.string(), rows: z.number(), files: z.number(), skipped: z.number() });
const datasetInput = z.object({ dataset: z.string() });

const recordsOf = (result: unknown) => collected.safeParse(result).data?.records ?? 0;
const planSummary = z.object({ units: z.number(), copilotFrom: z.string().optional() });
/** The orchestrator hands out units of the stored plan by position; a unit itself is named by its label. */
const describeReportUnit = (input: unknown) => {
  const planned = plannedUnitInput.safeParse(input);
  if (planned.success) return `${planned.data.enterprise} report unit ${planned.data.unit + 1}`;
  const unit = reportUnit.safeParse(input);
  return unit.success ? unitLabel(unit.data) : "a Copilot report";
};
const labelOf =
  <T>(schema: z.ZodType<T>, label: (value: T) => string, fallback: string) =>
  (input: unknown) => {
    const parsed = schema.safeParse(input);
    return parsed.success ? label(parsed.data) : fallback;
  };

const stepKinds: Record<string, StepKind> = {
  [activityNames.ingestReport]: { label: "Copilot reports", units: "units", describe: describeReportUnit, records: recordsOf },
  [activityNames.snapshotSeats]: {
    label: "Copilot seats",
    units: "listings",
    describe: labelOf(seatSnapshotInput, seatsLabel, "seats"),
    records: (result) => seatsTaken.safeParse(result).data?.seats ?? 0,
  },
  [activityNames.listRepositories]: {
    label: "Repository lists",
    units: "organizations",
    describe: labelOf(organizationInput, repositoriesLabel, "a repository list"),
    records: recordsOf,
  },
  [activityNames.syncRepositories]: {
    label: "Repository activity",
    units: "shards",
    describe: labelOf(repositoryShard, shardLabel, "a repository shard"),
    records: recordsOf,
  },
  [activityNames.collectPremiumUsage]: {
    label: "Copilot billing usage",
    units: "enterprises",
    describe: labelOf(premiumUsageInput, (input) => premiumUsageLabel(input.enterprise), "premium request usage"),
    records: recordsOf,
  },
  [activityNames.computeMetrics]: {
    label: "DORA and velocity",
    units: "computations",
    describe: () => computeMetricsLabel,
    records: recordsOf,
  },
  [activityNames.publishDataset]: {
    label: "Publish",
    units: "datasets",
    describe: labelOf(datasetInput, (input) => `dataset ${input.dataset}`, "a dataset"),
    records: () => 0,
    writesFiles: true,
  },
};

/** The last line of a terminal, redrawn in place. */
export interface LiveLine {
  draw(text: string): void;
  clear(): void;
}

/** A live line on a terminal stream: carriage return and erase-line, cut to the terminal's width. */
export function terminalLine(stream: { write(text: string): unknown; columns?: number }, now: () => number = Date.now): LiveLine {
  let drawnAt = 0;
  return {
    draw(text) {
      // A unit can finish every few milliseconds; ten redraws a second are enough to read.
      if (now() - drawnAt < 100) return;
      drawnAt = now();
      const width = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 100;
      stream.write(`\r\x1b[2K${text.slice(0, Math.max(20, width - 1))}`);
    },
    clear: () => void stream.write("\r\x1b[2K"),
  };
}

export interface RunProgressOptions {
  /** Writes one finished line (a step, a heartbeat). */
  line: (text: string) => void;
  /** Redraws the current line in place; only on a terminal. Without it: one line per step, no control characters. */
  live?: LiveLine;
  /** Units expected per activity name where the run's input already says (organizations, enterprises, datasets). */
  expected: Partial<Record<string, number>>;
  now?: () => number;
  /** How often the waiting is reported: redrawn on a terminal, a line elsewhere. */
  heartbeatMs?: number;
}

interface Step {
  kind: StepKind;
  started: number;
  total: number | undefined;
  done: number;
  failed: number;
  records: number;
  /** Inputs of the activities running now, with when each began. */
  running: Map<number, { what: string; since: number }>;
  rows: number;
  files: number;
  unchanged: number;
}

export interface RunProgressView {
  /** The activities, reporting to this view as they start and finish. */
  observe(activities: Record<string, Activity>): Record<string, Activity>;
  /** Ends the last step's line and the heartbeat. */
  stop(): void;
}

/**
 * Progress by named step (Copilot reports, seats, repositories, premium usage, metrics, publish), each
 * with its units and records; a heartbeat names what a long wait waits for, and an ETA is given
 * where the step's size is known. Rendered from the activities' own results, so it shows the same
 * counts as the summary whatever the orchestrator's coarser custom status says.
 */
export function createRunProgress(options: RunProgressOptions): RunProgressView {
  const now = options.now ?? Date.now;
  const expected = { ...options.expected };
  const heartbeatMs = options.heartbeatMs ?? (options.live === undefined ? 30_000 : 1_000);
  let current: { name: string; step: Step } | undefined;
  // Each enterprise is planned apart; the plan's line comes once the planning is over.
  let plan: { units: number; from?: string } | undefined;
  let lastLineAt = now();
  let nextId = 0;

  const timer = setInterval(() => heartbeat(), heartbeatMs);
  timer.unref();

  function heartbeat(): void {
    if (current === undefined) return;
    if (options.live !== undefined) {
      options.live.draw(describeStep(current.step, now(), true));
    } else if (now() - lastLineAt >= heartbeatMs) {
      emit(`… ${describeStep(current.step, now(), true)}`);
    }
  }

  function emit(text: string): void {
    lastLineAt = now();
    options.live?.clear();
    options.line(text);
  }

  function enter(name: string): Step | undefined {
    if (current?.name === name) return current.step;
    finishStep();
    if (name !== activityNames.planUnits) finishPlan();
    const kind = stepKinds[name];
    if (kind === undefined) return undefined;
    const step: Step = {
      kind,
      started: now(),
      total: expected[name],
      done: 0,
      failed: 0,
      records: 0,
      running: new Map(),
      rows: 0,
      files: 0,
      unchanged: 0,
    };
    current = { name, step };
    return step;
  }

  function finishStep(): void {
    if (current === undefined) return;
    const { step } = current;
    current = undefined;
    emit(describeStep(step, now(), false));
  }

  function planned(result: unknown): void {
    const summary = planSummary.safeParse(result);
    if (!summary.success) return;
    plan ??= { units: 0 };
    plan.units += summary.data.units;
    const from = summary.data.copilotFrom;
    if (from !== undefined && (plan.from === undefined || from < plan.from)) plan.from = from;
    expected[activityNames.ingestReport] = plan.units;
  }

  function finishPlan(): void {
    if (plan === undefined) return;
    const { units, from } = plan;
    plan = undefined;
    emit(
      units === 0
        ? "Plan: no Copilot report day is due"
        : `Plan: ${count(units)} Copilot report units${from === undefined ? "" : ` from ${from}`}`,
    );
  }

  function shardsListed(result: unknown): void {
    const listed = z.object({ ok: z.literal(true), shards: z.number() }).safeParse(result);
    if (listed.success) expected[activityNames.syncRepositories] = (expected[activityNames.syncRepositories] ?? 0) + listed.data.shards;
  }

  function observe(activities: Record<string, Activity>): Record<string, Activity> {
    return Object.fromEntries(
      Object.entries(activities).map(([name, activity]): [string, Activity] => [
        name,
        async (input) => {
          const step = enter(name);
          const id = nextId++;
          step?.running.set(id, { what: step.kind.describe(input), since: now() });
          try {
            const result = await activity(input);
            if (name === activityNames.planUnits) planned(result);
            if (name === activityNames.listRepositories) shardsListed(result);
            if (step !== undefined) {
              step.done += 1;
              if (z.object({ ok: z.literal(false) }).safeParse(result).success) step.failed += 1;
              step.records += step.kind.records(result);
              const publish = published.safeParse(result);
              if (publish.success) {
                step.rows += publish.data.rows;
                step.files += publish.data.files;
                step.unchanged += publish.data.skipped;
              }
              step.total ??= expected[name];
              if (step === current?.step) options.live?.draw(describeStep(step, now(), true));
            }
            return result;
          } finally {
            step?.running.delete(id);
          }
        },
      ]),
    );
  }

  return {
    observe,
    stop() {
      clearInterval(timer);
      finishStep();
      finishPlan();
    },
  };
}

/** One step as a line: finished, or still running with what it waits for and the time left. */
function describeStep(step: Step, at: number, running: boolean): string {
  const elapsed = at - step.started;
  const of = step.total === undefined ? count(step.done) : `${count(step.done)}/${count(step.total)}`;
  const parts = [`${step.kind.label}: ${of} ${step.kind.units}`];
  if (step.kind.writesFiles === true) {
    parts.push(
      `${count(step.rows)} rows, ${count(step.files)} files written${step.unchanged > 0 ? `, ${count(step.unchanged)} unchanged` : ""}`,
    );
  } else {
    parts.push(`${count(step.records)} records`);
  }
  if (step.failed > 0) parts.push(`${count(step.failed)} failed`);
  parts.push(seconds(elapsed));
  if (!running) return parts.join(", ");
  const oldest = [...step.running.values()].sort((a, b) => a.since - b.since)[0];
  if (oldest !== undefined) parts.push(`waiting for ${oldest.what} (${seconds(at - oldest.since)})`);
  // Once a few units are done, the rest should take about as long each.
  if (step.total !== undefined && step.done >= 1 && step.done < step.total && elapsed >= 2_000) {
    parts.push(`about ${seconds((elapsed / step.done) * (step.total - step.done))} left`);
  }
  return parts.join(", ");
}

function count(value: number): string {
  return value.toLocaleString("en-US");
}

function seconds(ms: number): string {
  const total = Math.round(ms / 1000);
  return total < 60 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(total / 60)}m${String(total % 60).padStart(2, "0")}s`;
}

/** The units the run's input already fixes: a seat listing per organization and per enterprise, a repository list per organization, billing usage per enterprise, one metrics computation, a publish per dataset. */
export function expectedUnits(input: {
  enterprises: ReadonlyArray<{ orgs: readonly string[] }>;
  datasets: readonly string[];
}): Partial<Record<string, number>> {
  const organizations = input.enterprises.reduce((total, enterprise) => total + enterprise.orgs.length, 0);
  return {
    // Each organization's seat listing, and each enterprise's own (seats granted through enterprise teams).
    [activityNames.snapshotSeats]: organizations + input.enterprises.length,
    [activityNames.listRepositories]: organizations,
    [activityNames.collectPremiumUsage]: input.enterprises.length,
    [activityNames.computeMetrics]: 1,
    [activityNames.publishDataset]: input.datasets.length,
  };
}
