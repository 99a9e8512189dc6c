import * as df from "durable-functions";
import { beforeAll, describe, expect, it } from "vitest";
import { activityNames, activityRetry, type RunInput } from "../../src/pipeline/index.js";
import { runStatus, type FinishRunInput } from "../../src/pipeline/run-record.js";
import {
  registeredHandler,
  runOnHost,
  type Activities,
  type Attempt,
  type HostRun,
  type OrchestrationHandler,
} from "../support/durable-host.js";

const startedAt = new Date("2026-11-25T06:00:00Z");
const input: RunInput = {
  runId: "collect-2026-11-25",
  trigger: "timer",
  enterprises: [{ slug: "contoso", orgs: ["contoso-web"] }],
  backfillDays: 28,
  repollDays: 3,
  datasets: ["copilot_metrics"],
};
const days = ["2026-11-22", "2026-11-23", "2026-11-24"];

type Override = (input: { unit?: number }, attempt: number) => Attempt;

/** Activities that answer as the real ones do: three planned units, each ok unless overridden. */
function activities(overrides: Partial<Record<string, Override>> = {}): Activities {
  return (name, activityInput, attempt) => {
    const override = overrides[name];
    if (override !== undefined) return override(activityInput as { unit?: number }, attempt);
    switch (name) {
      case activityNames.startRun:
        return { ok: true, result: { runId: input.runId } };
      case activityNames.checkAccess:
        return { ok: true, result: { ok: true } };
      case activityNames.planUnits:
        return { ok: true, result: { units: days.length, copilotFrom: days[0] } };
      case activityNames.ingestReport:
        return { ok: true, result: unitResult((activityInput as { unit: number }).unit) };
      case activityNames.snapshotSeats:
        return { ok: true, result: { ok: true, seats: 3 } };
      case activityNames.listRepositories:
        return { ok: true, result: { ok: true, status: "ok", records: 2, repositories: 2, shards: 1 } };
      case activityNames.syncRepositories:
        return { ok: true, result: { ok: true, status: "ok", records: 5 } };
      case activityNames.collectPremiumUsage:
        return { ok: true, result: { ok: true, status: "ok", records: 4 } };
      case activityNames.computeMetrics:
        return { ok: true, result: { ok: true, status: "ok", records: 0 } };
      case activityNames.publishDataset:
        return { ok: true, result: { dataset: "copilot_metrics", ok: true, files: 1, rows: 2, skipped: 0 } };
      case activityNames.finishRun: {
        const run = activityInput as FinishRunInput;
        return { ok: true, result: { ...run, status: runStatus(run), startedAt: startedAt.toISOString(), freshness: {} } };
      }
      default:
        throw new Error(`unexpected activity ${name}`);
    }
  };
}

function unitResult(unit: number, records = 10) {
  return {
    ok: true,
    status: "ok",
    records,
    daysCollected: 1,
    unit: { label: `contoso enterprise-1-day ${days[unit]}`, enterprise: "contoso", report: "enterprise-1-day" },
  };
}

const crash = (message: string, seconds = 1): Attempt => ({ ok: false, message, seconds });

function names(run: HostRun): string[] {
  return run.executions.map((execution) => execution.name);
}

function finishRuns(run: HostRun): FinishRunInput[] {
  return run.executions
    .filter((execution) => execution.name === activityNames.finishRun)
    .map((execution) => execution.input as FinishRunInput);
}

describe("the collect orchestrator on durable-functions' executor, replayed as the Durable extension replays it", () => {
  let handler: OrchestrationHandler;
  beforeAll(async () => {
    handler = await registeredHandler(() => import("../../functions/collect-orchestrator.js"));
  });
  const run = (behaviour: Activities, runInput: RunInput = input) =>
    runOnHost(handler, { instanceId: input.runId, input: runInput, activities: behaviour, startedAt });

  it("completes a run: every step once, in order, with the pipeline's retry policy, and finishRun records it as succeeded", async () => {
    const result = await run(activities());
    expect(result.runtimeStatus).toBe("Completed");
    expect(names(result)).toEqual([
      "startRun",
      "checkAccess",
      "planUnits",
      "ingestReport",
      "ingestReport",
      "ingestReport",
      "snapshotSeats",
      "snapshotSeats",
      "listRepositories",
      "syncRepositories",
      "collectPremiumUsage",
      "computeMetrics",
      "publishDataset",
      "finishRun",
    ]);
    expect(result.executions.filter((execution) => execution.name === "ingestReport").map((execution) => execution.input)).toEqual([
      { runId: input.runId, enterprise: "contoso", unit: 0 },
      { runId: input.runId, enterprise: "contoso", unit: 1 },
      { runId: input.runId, enterprise: "contoso", unit: 2 },
    ]);
    expect(new Set(result.actions.map((action) => JSON.stringify(action.retryOptions)))).toEqual(new Set([JSON.stringify(activityRetry)]));
    // Seats twice: the organization's listing and the enterprise's own.
    expect(result.executions.filter((execution) => execution.name === "snapshotSeats").map((execution) => execution.input)).toEqual([
      { runId: input.runId, enterprise: "contoso", organization: "contoso-web", day: "2026-11-25" },
      { runId: input.runId, enterprise: "contoso", organization: "", day: "2026-11-25" },
    ]);
    expect(result.output).toMatchObject({
      status: "succeeded",
      unitsTotal: 8,
      unitsOk: 8,
      unitsFailed: 0,
      records: 3 * 10 + 3 + 3 + 2 + 5 + 4,
    });
    expect(result.customStatus).toEqual({ step: "done", unitsTotal: 8, unitsDone: 8, unitsFailed: 0, records: 47 });
    // finishedAt is Durable's clock where finishRun was scheduled: the episode of the last publish result.
    const publishDone = result.history.find(
      (event) => event.EventType === 5 && event.TaskScheduledId === result.executions.find((e) => e.name === "publishDataset")!.eventId,
    )!;
    expect(finishRuns(result)).toEqual([expect.objectContaining({ runId: input.runId, finishedAt: publishDone.Timestamp })]);
    expect(Date.parse(publishDone.Timestamp)).toBeGreaterThan(startedAt.getTime());
  });

  it("completes a run whose unit returns { ok: false } as partial, with the unit's failure listed", async () => {
    const error = { errorClass: "ReportDownloadError", message: "Downloading report file https://x.example/f.ndjson failed: 500." };
    const result = await run(
      activities({
        [activityNames.ingestReport]: ({ unit }) => ({
          ok: true,
          result: unit === 1 ? { ok: false, error, unit: unitResult(1).unit } : unitResult(unit!),
        }),
      }),
    );
    expect(result.runtimeStatus).toBe("Completed");
    expect(finishRuns(result)).toHaveLength(1);
    expect(result.output).toMatchObject({
      status: "partial",
      unitsTotal: 8,
      unitsOk: 7,
      unitsFailed: 1,
      failures: [{ unit: "contoso enterprise-1-day 2026-11-23", ...error }],
    });
  });

  it("leaves out an enterprise whose access check finds a configuration fault, counts it once as failed, and plans the others", async () => {
    const error = {
      errorClass: "ConfigurationError",
      message: 'Enterprise "fabrikam": GitHub refused its token (401 Bad credentials). Set a valid, unexpired token in GITHUB_TOKEN.',
    };
    const twoEnterprises: RunInput = { ...input, enterprises: [...input.enterprises, { slug: "fabrikam", orgs: [] }] };
    const planned: string[] = [];
    const result = await run(
      activities({
        [activityNames.checkAccess]: (access) => ({
          ok: true,
          result: (access as { enterprise: string }).enterprise === "fabrikam" ? { ok: false, error } : { ok: true },
        }),
        [activityNames.planUnits]: (plan) => {
          planned.push((plan as { enterprise: { slug: string } }).enterprise.slug);
          return { ok: true, result: { units: days.length, copilotFrom: days[0] } };
        },
      }),
      twoEnterprises,
    );
    expect(result.runtimeStatus).toBe("Completed");
    expect(planned).toEqual(["contoso"]);
    expect(finishRuns(result)).toHaveLength(1);
    expect(result.output).toMatchObject({
      status: "partial",
      unitsTotal: 9,
      unitsOk: 8,
      unitsFailed: 1,
      failures: [{ unit: "fabrikam access", ...error }],
    });
  });

  it("fails the instance when planUnits fails every attempt, after recording the run as failed exactly once", async () => {
    const result = await run(activities({ [activityNames.planUnits]: () => crash("connect ECONNREFUSED 10.0.0.4:5432") }));
    expect(result.runtimeStatus).toBe("Failed");
    expect(names(result)).toEqual(["startRun", "checkAccess", "planUnits", "planUnits", "planUnits", "finishRun"]);
    // Retried after 5 s and 10 s, as the policy says; the extension waits 20 s more after the last attempt.
    const timers = result.history
      .filter((event) => event.EventType === 10)
      .map((event) => (Date.parse(event.FireAt!) - Date.parse(event.Timestamp)) / 1000);
    expect(timers).toEqual([5, 10, 20]);
    expect(finishRuns(result)).toEqual([
      expect.objectContaining({
        aborted: true,
        unitsTotal: 0,
        failures: [{ unit: "run", errorClass: "RunAborted", message: "connect ECONNREFUSED 10.0.0.4:5432" }],
      }),
    ]);
    expect(result.failure).toBe("connect ECONNREFUSED 10.0.0.4:5432");
    expect(finishRuns(result)).toEqual([expect.objectContaining({ aborted: true })]);
  });

  it("retries an activity after 5 s and 10 s and goes on when its third attempt succeeds", async () => {
    const result = await run(
      activities({
        [activityNames.planUnits]: (_, attempt) =>
          attempt < 3 ? crash("worker recycled") : { ok: true, result: { units: 1, copilotFrom: days[0] } },
      }),
    );
    expect(result.runtimeStatus).toBe("Completed");
    expect(names(result).slice(0, 6)).toEqual(["startRun", "checkAccess", "planUnits", "planUnits", "planUnits", "ingestReport"]);
    const timers = result.history
      .filter((event) => event.EventType === 10)
      .map((event) => (Date.parse(event.FireAt!) - Date.parse(event.Timestamp)) / 1000);
    expect(timers).toEqual([5, 10]);
    expect(result.output).toMatchObject({ status: "succeeded", unitsTotal: 6, records: 10 + 3 + 3 + 2 + 5 + 4 });
  });

  it("schedules nothing for an empty plan and still publishes and records the run", async () => {
    const result = await run(activities({ [activityNames.planUnits]: () => ({ ok: true, result: { units: 0 } }) }), {
      ...input,
      enterprises: [{ slug: "contoso", orgs: [] }],
    });
    expect(result.runtimeStatus).toBe("Completed");
    // Without organizations, the enterprise's own seat listing is still read.
    expect(names(result)).toEqual([
      "startRun",
      "checkAccess",
      "planUnits",
      "snapshotSeats",
      "collectPremiumUsage",
      "computeMetrics",
      "publishDataset",
      "finishRun",
    ]);
    expect(result.output).toMatchObject({ status: "succeeded", unitsTotal: 2, unitsOk: 2 });
  });

  // Unit 1 crashes (a worker lost, a timeout) on every attempt; unit 2 crashes and is retried while
  // it does. The seconds are each attempt's duration: the sibling's retries end before, around
  // and well after the crashing unit's last retry timer.
  const timings: Array<[string, { crash: number; sibling: number; siblingFailures: number }]> = [
    ["a sibling that retries once and finishes before the crash is final", { crash: 1, sibling: 2, siblingFailures: 1 }],
    ["a sibling whose second retry is still running when the crash is final", { crash: 1, sibling: 30, siblingFailures: 2 }],
    ["a sibling that fails every attempt, slower than the crash", { crash: 1, sibling: 25, siblingFailures: 3 }],
    ["a sibling that retries faster than the crash", { crash: 20, sibling: 1, siblingFailures: 2 }],
  ];
  it.each(timings)("ends a run with a unit crashing every attempt beside %s, finishRun once after the whole batch", async (_, timing) => {
    const result = await run(
      activities({
        [activityNames.ingestReport]: ({ unit }, attempt) => {
          if (unit === 1) return crash("worker process exited", timing.crash);
          if (unit === 2 && attempt <= timing.siblingFailures) return crash("timeout", timing.sibling);
          return { ok: true, result: unitResult(unit!), seconds: unit === 2 ? timing.sibling : 1 };
        },
      }),
    );
    expect(result.runtimeStatus).toBe("Completed");
    expect(finishRuns(result)).toHaveLength(1);
    // The run went on after the batch: every unit's attempts came before anything else was scheduled.
    const ingests = result.executions
      .filter((execution) => execution.name === "ingestReport")
      .map((execution) => (execution.input as { unit: number }).unit);
    expect(ingests.filter((unit) => unit === 1)).toHaveLength(3);
    expect(ingests.filter((unit) => unit === 2)).toHaveLength(Math.min(3, timing.siblingFailures + 1));
    expect(names(result).indexOf("snapshotSeats")).toBe(names(result).lastIndexOf("ingestReport") + 1);
    const siblingOk = timing.siblingFailures < 3;
    expect(result.output).toMatchObject({
      status: "partial",
      unitsFailed: siblingOk ? 1 : 2,
      // The units of the batch that succeeded count, and their records.
      unitsOk: siblingOk ? 7 : 6,
      records: (siblingOk ? 20 : 10) + 3 + 3 + 2 + 5 + 4,
      failures: [
        { unit: "contoso report unit 2 of 3", errorClass: "Error", message: "worker process exited" },
        ...(siblingOk ? [] : [{ unit: "contoso report unit 3 of 3", errorClass: "Error", message: "timeout" }]),
      ],
    });
  });

  it("hands out 120 units in batches of 50, each batch settled before the next, a crash in the first included", async () => {
    const result = await run(
      activities({
        [activityNames.planUnits]: () => ({ ok: true, result: { units: 120, copilotFrom: days[0] } }),
        [activityNames.ingestReport]: ({ unit }) =>
          unit === 7 ? crash("worker process exited") : { ok: true, result: unitResult(0, 1), seconds: unit === 8 ? 40 : 1 },
      }),
    );
    expect(result.runtimeStatus).toBe("Completed");
    const units = result.executions
      .filter((execution) => execution.name === "ingestReport")
      .map((execution) => (execution.input as { unit: number }).unit);
    const batchOf = (unit: number) => Math.floor(unit / 50);
    // Scheduled batch by batch: no unit of a batch before every attempt of the one before.
    expect(units.map(batchOf)).toEqual([...units.map(batchOf)].sort((a, b) => a - b));
    expect(units).toHaveLength(122);
    expect(finishRuns(result)).toHaveLength(1);
    expect(result.output).toMatchObject({
      status: "partial",
      unitsTotal: 125,
      unitsOk: 124,
      unitsFailed: 1,
      records: 119 + 3 + 3 + 2 + 5 + 4,
    });
  });

  it("records a run whose every collection unit crashed as failed, and still publishes", async () => {
    const result = await run(
      activities({
        [activityNames.ingestReport]: () => crash("worker process exited"),
        [activityNames.snapshotSeats]: () => crash("worker process exited"),
        [activityNames.listRepositories]: () => crash("worker process exited"),
        [activityNames.collectPremiumUsage]: () => crash("worker process exited"),
      }),
    );
    expect(result.runtimeStatus).toBe("Completed");
    expect(finishRuns(result)).toHaveLength(1);
    expect(result.output).toMatchObject({ status: "failed", unitsTotal: 7, unitsOk: 0, unitsFailed: 7 });
  });
});

// The minimal shape: a and b crash on every attempt, b slower; a cleanup in the catch.
describe("a cleanup scheduled after a failed Task.all, on the host model", () => {
  const retry = new df.RetryOptions(5_000, 3);
  retry.backoffCoefficient = 2;
  const behaviour =
    (bSeconds: number): Activities =>
    (name) =>
      name === "cleanup" ? { ok: true, result: "cleaned" } : crash(`${name} crashed`, name === "a" ? 1 : bSeconds);
  let cleanedUp: unknown;

  async function cleanupInCatch(settleFirst: boolean): Promise<OrchestrationHandler> {
    return registeredHandler(() =>
      df.app.orchestration(settleFirst ? "cleanupAfterSettling" : "cleanupInCatch", function* (context) {
        const tasks = [context.df.callActivityWithRetry("a", retry), context.df.callActivityWithRetry("b", retry)];
        try {
          yield context.df.Task.all(tasks);
        } catch (error) {
          if (settleFirst) {
            for (const task of tasks) {
              try {
                yield task;
              } catch {
                // settled
              }
            }
          }
          cleanedUp = yield context.df.callActivityWithRetry("cleanup", retry);
          throw error;
        }
      }),
    );
  }

  it("stays Running for good, or takes a sibling's timer for the cleanup's result, when the cleanup is scheduled at once", async () => {
    const handler = await cleanupInCatch(false);
    cleanedUp = "not reached";
    const hung = await runOnHost(handler, { instanceId: "hung", input: null, activities: behaviour(12), startedAt });
    expect([hung.runtimeStatus, hung.executions.filter((execution) => execution.name === "cleanup").length, cleanedUp]).toEqual([
      "Running",
      1,
      "not reached",
    ]);
    cleanedUp = "not reached";
    const misread = await runOnHost(handler, { instanceId: "misread", input: null, activities: behaviour(30), startedAt });
    // The extension's timer for b's retry carries the number the library gave the cleanup.
    expect([misread.runtimeStatus, cleanedUp]).toEqual(["Failed", undefined]);
  });

  it.each([2, 8, 12, 15, 30, 60])(
    "fails with the first error after one real cleanup when every member settles first (b takes %i s)",
    async (bSeconds) => {
      const handler = await cleanupInCatch(true);
      cleanedUp = "not reached";
      const result = await runOnHost(handler, {
        instanceId: `settled-${bSeconds}`,
        input: null,
        activities: behaviour(bSeconds),
        startedAt,
      });
      expect([result.runtimeStatus, result.failure?.split("\n")[0]?.trim(), cleanedUp]).toEqual(["Failed", "a crashed", "cleaned"]);
      expect(result.executions.map((execution) => execution.name).filter((name) => name !== "a")).toEqual(["b", "b", "b", "cleanup"]);
    },
  );
});
