import { describe, expect, it } from "vitest";
import { activityNames, collectOrchestrator, runLocally, type Activity } from "../../src/pipeline/index.js";
import type { FinishRunInput } from "../../src/pipeline/run-record.js";

const input = {
  runId: "run-1",
  trigger: "cli",
  enterprises: [{ slug: "contoso", orgs: [] }],
  backfillDays: 28,
  repollDays: 3,
  datasets: [],
};

/** The activities of a run of three report units and the enterprise's seat listing of two seats (no organizations, nothing to publish), recording every call. */
function activities(calls: Array<{ name: string; input: unknown }>, ingest: (unit: number) => Promise<unknown>): Record<string, Activity> {
  const record =
    (name: string, answer: (input: unknown) => Promise<unknown>): Activity =>
    async (activityInput) => {
      calls.push({ name, input: activityInput });
      return answer(activityInput);
    };
  return {
    [activityNames.startRun]: record(activityNames.startRun, async () => ({ runId: "run-1" })),
    [activityNames.checkAccess]: record(activityNames.checkAccess, async () => ({ ok: true })),
    [activityNames.planUnits]: record(activityNames.planUnits, async () => ({ units: 3 })),
    [activityNames.ingestReport]: record(activityNames.ingestReport, (activityInput) => ingest((activityInput as { unit: number }).unit)),
    [activityNames.snapshotSeats]: record(activityNames.snapshotSeats, async () => ({ ok: true, seats: 2 })),
    [activityNames.collectPremiumUsage]: record(activityNames.collectPremiumUsage, async () => ({ ok: true, status: "ok", records: 0 })),
    [activityNames.computeMetrics]: record(activityNames.computeMetrics, async () => ({ ok: true, status: "ok", records: 0 })),
    // Answers as finishRun does: the run's record with its status; the orchestrator parses it.
    [activityNames.finishRun]: record(activityNames.finishRun, async (activityInput) => ({
      ...(activityInput as FinishRunInput),
      status: "partial",
      startedAt: "2026-11-25T06:00:00.000Z",
      freshness: {},
    })),
  };
}

const ok = (unit: number) => ({
  ok: true,
  status: "ok",
  records: 10 + unit,
  daysCollected: 1,
  unit: { label: `unit ${unit}`, enterprise: "contoso", report: "enterprise-1-day" },
});

describe("the local driver", () => {
  it("moves the orchestrator's clock to the time each awaited step finished, so the run records when it ended", async () => {
    const calls: Array<{ name: string; input: unknown }> = [];
    let seconds = 0;
    // Every reading of the clock is one second later: the driver reads it when the run starts and after each step.
    const now = () => new Date(Date.UTC(2026, 10, 25, 6, 0, seconds++));
    await runLocally(collectOrchestrator, input, { activities: activities(calls, async (unit) => ok(unit)), concurrency: 2, now });
    const started = calls.find((call) => call.name === activityNames.startRun)!.input as { startedAt: string };
    const finished = calls.find((call) => call.name === activityNames.finishRun)!.input as FinishRunInput;
    // Started at 06:00:00; then startRun, the access check, planUnits, the units' batch, the enterprise's seats, premium usage and the metrics finished.
    expect([started.startedAt, finished.finishedAt]).toEqual(["2026-11-25T06:00:00.000Z", "2026-11-25T06:00:07.000Z"]);
  });

  it("runs every attempt of a unit that crashes once, lets its siblings finish, and counts their results", async () => {
    const calls: Array<{ name: string; input: unknown }> = [];
    const ingest = async (unit: number) => {
      if (unit === 0) throw new Error("worker process exited");
      // The siblings are still running when the crashing unit has used up its attempts.
      await new Promise((resolve) => setTimeout(resolve, 30));
      return ok(unit);
    };
    const summary = (await runLocally(collectOrchestrator, input, {
      activities: activities(calls, ingest),
      concurrency: 4,
      retryDelayScale: 0,
    })) as FinishRunInput;
    const ingested = calls.filter((call) => call.name === activityNames.ingestReport).map((call) => (call.input as { unit: number }).unit);
    expect(ingested.sort()).toEqual([0, 0, 0, 1, 2]);
    expect(calls.map((call) => call.name).slice(-3)).toEqual([
      activityNames.collectPremiumUsage,
      activityNames.computeMetrics,
      activityNames.finishRun,
    ]);
    expect(summary).toMatchObject({
      unitsTotal: 5,
      unitsOk: 4,
      unitsFailed: 1,
      records: 11 + 12 + 2,
      failures: [{ unit: "contoso report unit 1 of 3", errorClass: "Error", message: "worker process exited" }],
    });
  });
});
