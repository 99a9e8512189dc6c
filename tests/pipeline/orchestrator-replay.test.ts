import { app } from "@azure/functions";
import * as df from "durable-functions";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { activityNames, activityRetry, type RunInput, type UnitResult } from "../../src/pipeline/index.js";
import {
  replay,
  retryDelays,
  runOnRealEngine,
  runToCompletion,
  type ActivityScript,
  type Attempt,
  type EngineHandler,
  type Orchestrator,
} from "../support/durable-replay.js";

const startedAt = new Date("2026-11-25T06:00:00Z");
const input: RunInput = {
  runId: "collect-2026-11-25",
  trigger: "timer",
  enterprises: [{ slug: "contoso", orgs: [] }],
  backfillDays: 28,
  repollDays: 3,
  datasets: ["copilot_metrics"],
};
const units = ["2026-11-22", "2026-11-23", "2026-11-24"].map((day) => ({
  enterprise: "contoso",
  scope: "enterprise",
  organization: "",
  report: "enterprise-1-day",
  series: "enterprise-1-day",
  days: [day],
}));

/** Activities that behave like the real ones: one unit fails and says so, the others succeed. */
function activities(overrides: Partial<Record<string, (attempt: number) => Attempt>> = {}): ActivityScript {
  return (name, activityInput, attempt) => {
    const override = overrides[name];
    if (override !== undefined) return override(attempt);
    switch (name) {
      case activityNames.planUnits:
        return { ok: true, result: units };
      case activityNames.ingestReport: {
        const day = (activityInput as { days: string[] }).days[0];
        const result: UnitResult =
          day === "2026-11-23"
            ? { ok: false, error: { errorClass: "ReportDownloadError", message: "Downloading report file https://x.example/f.ndjson failed: 500." } }
            : { ok: true, status: "ok", records: 10, daysCollected: 1 };
        return { ok: true, result };
      }
      case activityNames.publishDataset:
        return { ok: true, result: { dataset: "copilot_metrics", ok: true, files: 1, rows: 2, skipped: 0 } };
      case activityNames.finishRun:
        return { ok: true, result: { ...(activityInput as object), status: "partial", startedAt: startedAt.toISOString(), freshness: {} } };
      case activityNames.startRun:
        return { ok: true, result: { runId: input.runId } };
      default:
        // Activities added since (repositories, premium usage, metrics): a success with nothing in it.
        return { ok: true, result: { ok: true, records: 0, seats: 0 } };
    }
  };
}

describe("the collect orchestrator as functions/ registers it, replayed the way Durable Functions replays it", () => {
  let orchestrator: Orchestrator;
  // The same registration as durable-functions hands it to the host: wrapped in its engine.
  let engineHandler: EngineHandler;

  beforeAll(async () => {
    // The registrations are captured instead of reaching the (absent) Functions host: what
    // functions/ passes to df.app.orchestration, and what durable-functions passes on to app.generic.
    const registered: Orchestrator[] = [];
    const generic: EngineHandler[] = [];
    const orchestration = df.app.orchestration;
    vi.spyOn(app, "generic").mockImplementation((_name, options) => void generic.push(options.handler as EngineHandler));
    vi.spyOn(df.app, "orchestration").mockImplementation((name, handler) => {
      if (typeof handler !== "function") throw new Error("expected the orchestrator to be registered as a handler");
      registered.push(handler as Orchestrator);
      return orchestration(name, handler);
    });
    await import("../../functions/collect-orchestrator.js");
    vi.restoreAllMocks();
    expect([registered.length, generic.length]).toEqual([1, 1]);
    orchestrator = registered[0]!;
    engineHandler = generic[0]!;
  });

  it("schedules the same actions on every replay: each episode repeats the last one's and adds to them", () => {
    const { episodes, history } = runToCompletion(orchestrator, input, activities(), startedAt);
    const names = episodes.map((episode) => episode.actions.map((action) => action.name));
    expect(names.slice(0, 4)).toEqual([
      ["startRun"],
      ["startRun", "checkAccess"],
      ["startRun", "checkAccess", "planUnits"],
      // The units fan out together: one episode schedules all three.
      ["startRun", "checkAccess", "planUnits", "ingestReport", "ingestReport", "ingestReport"],
    ]);
    expect(names.at(-1)).toContain("publishDataset");
    expect(names.at(-1)!.at(-1)).toBe("finishRun");
    for (const [index, episode] of episodes.entries()) {
      const previous = episodes[index - 1];
      if (previous !== undefined) expect(episode.actions.slice(0, previous.actions.length)).toEqual(previous.actions);
    }
    // Driving it twice over the same history: the same actions, inputs, statuses and output.
    const again = [replay(orchestrator, input, history, startedAt), replay(orchestrator, input, history, startedAt)];
    expect(again[1]).toEqual(again[0]);
    expect(again[0]).toEqual(episodes.at(-1));
    expect(again[0]!.outcome).toEqual({
      state: "completed",
      output: expect.objectContaining({ runId: "collect-2026-11-25", status: "partial", unitsFailed: 1, records: 20 }),
    });
  });

  it("passes the run's inputs to the activities, the times from Durable's clock", () => {
    const { episodes } = runToCompletion(orchestrator, input, activities(), startedAt);
    const actions = episodes.at(-1)!.actions;
    const inputsOf = (name: string) => actions.filter((action) => action.name === name).map((action) => action.input);
    expect(inputsOf("startRun")).toEqual([{ runId: "collect-2026-11-25", trigger: "timer", startedAt: "2026-11-25T06:00:00.000Z" }]);
    expect(inputsOf("planUnits")).toEqual([{ today: "2026-11-25", enterprises: input.enterprises, backfillDays: 28, repollDays: 3 }]);
    expect(inputsOf("ingestReport")).toEqual(units.map((unit) => ({ ...unit, runId: "collect-2026-11-25" })));
    expect(inputsOf("publishDataset")).toEqual([{ runId: "collect-2026-11-25", dataset: "copilot_metrics", day: "2026-11-25" }]);
    // finishedAt is Durable's clock when finishRun is scheduled: one tick per completed step before it.
    const completedBefore = episodes.length - 2;
    expect(inputsOf("finishRun")).toEqual([
      expect.objectContaining({ runId: "collect-2026-11-25", finishedAt: new Date(startedAt.getTime() + completedBefore * 1000).toISOString(), unitsFailed: 1 }),
    ]);
  });

  it("calls every activity with Durable RetryOptions built from the pipeline's retry policy", () => {
    const { episodes } = runToCompletion(orchestrator, input, activities(), startedAt);
    for (const action of episodes.at(-1)!.actions) {
      expect(action.retry).toBeInstanceOf(df.RetryOptions);
      expect({ ...action.retry }).toEqual({
        firstRetryIntervalInMilliseconds: activityRetry.firstRetryIntervalInMilliseconds,
        maxNumberOfAttempts: activityRetry.maxNumberOfAttempts,
        backoffCoefficient: activityRetry.backoffCoefficient,
      });
    }
    expect(activityRetry).toEqual({ firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 3, backoffCoefficient: 2 });
  });

  it("retries a failing activity after 5 s and 10 s and goes on when the third attempt succeeds", () => {
    const crashTwice = (attempt: number): Attempt => (attempt < 3 ? { ok: false, message: "worker recycled" } : { ok: true, result: units });
    const { episodes, history } = runToCompletion(orchestrator, input, activities({ [activityNames.planUnits]: crashTwice }), startedAt);
    expect(history[2]).toEqual({
      name: "planUnits",
      attempts: [{ ok: false, message: "worker recycled" }, { ok: false, message: "worker recycled" }, { ok: true, result: units }],
    });
    expect(retryDelays(episodes.at(-1)!.actions[2]!, 2)).toEqual([5_000, 10_000]);
    expect(episodes.at(-1)!.outcome).toMatchObject({ state: "completed", output: { status: "partial", unitsFailed: 1, records: 20 } });
  });

  it("fails the orchestration with the activity's error once all three attempts failed, after recording the run as failed", () => {
    const crash = (): Attempt => ({ ok: false, message: "connect ECONNREFUSED 10.0.0.4:5432" });
    const { episodes, history } = runToCompletion(orchestrator, input, activities({ [activityNames.planUnits]: crash }), startedAt);
    expect(history.map((entry) => [entry.name, entry.attempts.length])).toEqual([["startRun", 1], ["checkAccess", 1], ["planUnits", 3], ["finishRun", 1]]);
    expect(retryDelays(episodes.at(-1)!.actions[2]!, 3)).toEqual([5_000, 10_000]);
    expect(episodes.at(-1)).toMatchObject({
      actions: [{ name: "startRun" }, { name: "checkAccess" }, { name: "planUnits" }, { name: "finishRun" }],
      outcome: { state: "failed", message: "connect ECONNREFUSED 10.0.0.4:5432" },
    });
  });

  it("reports its progress in customStatus after each step: units done, failed and total", () => {
    const { episodes } = runToCompletion(orchestrator, input, activities(), startedAt);
    const statuses = episodes.at(-1)!.statuses;
    expect(statuses[0]).toEqual({ step: "plan", unitsTotal: 0, unitsDone: 0, unitsFailed: 0, records: 0 });
    expect(statuses.slice(1, 3)).toEqual([
      { step: "collect", unitsTotal: 3, unitsDone: 0, unitsFailed: 0, records: 0 },
      { step: "collect", unitsTotal: 3, unitsDone: 3, unitsFailed: 1, records: 20 },
    ]);
    // Later steps (repositories, premium usage, metrics) add their own units to the count.
    expect(statuses.find((status) => (status as { step: string }).step === "publish")).toMatchObject({ unitsFailed: 1, records: 20 });
    const last = statuses.at(-1) as { step: string; unitsTotal: number; unitsDone: number; unitsFailed: number; records: number };
    expect(last).toMatchObject({ step: "done", unitsFailed: 1, records: 20, unitsDone: last.unitsTotal });
    // While the units run, Durable's status already shows how many there are.
    expect(episodes[3]!.statuses.at(-1)).toEqual({ step: "collect", unitsTotal: 3, unitsDone: 0, unitsFailed: 0, records: 0 });
  });

  it("schedules no fan-out for an empty plan (Durable's Task.all refuses an empty list)", () => {
    const { episodes } = runToCompletion(orchestrator, { ...input, datasets: [] }, activities({ [activityNames.planUnits]: () => ({ ok: true, result: [] }) }), startedAt);
    const names = episodes.at(-1)!.actions.map((action) => action.name);
    expect(names).not.toContain("ingestReport");
    expect(names).not.toContain("publishDataset");
    expect([names[0], names[1], names[2], names.at(-1)]).toEqual(["startRun", "checkAccess", "planUnits", "finishRun"]);
    expect(episodes.at(-1)!.outcome.state).toBe("completed");
  });

  it("runs on durable-functions' own engine to the same actions, status and output as on the model", async () => {
    const model = runToCompletion(orchestrator, input, activities(), startedAt).episodes.at(-1)!;
    const states = await runOnRealEngine(engineHandler, "collect-2026-11-25", input, activities(), startedAt);
    const final = states.at(-1)!;
    expect(final.isDone).toBe(true);
    expect(final.actions.flat().map((action) => ({ name: action.functionName, input: action.input, retry: action.retryOptions }))).toEqual(
      model.actions.map((action) => ({ name: action.name, input: action.input, retry: action.retry })),
    );
    expect(final.customStatus).toEqual(model.statuses.at(-1));
    expect(model.outcome).toEqual({ state: "completed", output: final.output });
  });
});
