import { describe, expect, it } from "vitest";
import { activityNames, collectOrchestrator, runLocally } from "../../src/pipeline/index.js";

describe("a run whose activity fails every attempt", () => {
  it("records the run as failed with the reason, then fails the orchestration", async () => {
    const calls: Array<{ name: string; input: unknown }> = [];
    const record = (name: string, result: unknown) => async (input: unknown) => {
      calls.push({ name, input });
      return result;
    };
    const activities = {
      [activityNames.startRun]: record(activityNames.startRun, { runId: "run-1" }),
      [activityNames.checkAccess]: record(activityNames.checkAccess, { ok: true }),
      [activityNames.planUnits]: async () => {
        calls.push({ name: activityNames.planUnits, input: null });
        throw new Error("worker lost");
      },
      [activityNames.finishRun]: record(activityNames.finishRun, {}),
    };
    const input = {
      runId: "run-1",
      trigger: "timer",
      enterprises: [{ slug: "contoso", orgs: [] }],
      backfillDays: 28,
      repollDays: 3,
      datasets: [],
    };

    await expect(
      runLocally(collectOrchestrator, input, {
        activities,
        concurrency: 1,
        retryDelayScale: 0,
        now: () => new Date("2026-11-25T06:00:00Z"),
      }),
    ).rejects.toThrow("worker lost");
    // planUnits was tried as often as the retry policy allows, then the run was closed as aborted.
    expect(calls.map((call) => call.name)).toEqual(["startRun", "checkAccess", "planUnits", "planUnits", "planUnits", "finishRun"]);
    expect(calls.at(-1)?.input).toMatchObject({
      runId: "run-1",
      aborted: true,
      failures: [{ unit: "run", errorClass: "RunAborted", message: "worker lost" }],
    });
  });
});
