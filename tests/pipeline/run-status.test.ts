import { describe, expect, it } from "vitest";
import { runStatus, type FinishRunInput } from "../../src/pipeline/run-record.js";

const run = (overrides: Partial<FinishRunInput>): FinishRunInput => ({
  runId: "run-1",
  finishedAt: "2026-11-25T06:10:00Z",
  unitsTotal: 10,
  unitsOk: 10,
  unitsPending: 0,
  unitsFailed: 0,
  records: 100,
  failures: [],
  warnings: [],
  publish: [{ dataset: "copilot_metrics", ok: true, files: 1, rows: 1, skipped: 0 }],
  ...overrides,
});
const publishFailed = { dataset: "copilot_seats", ok: false as const, error: { errorClass: "GraphError", message: "503" } };
const published = { dataset: "copilot_metrics", ok: true as const, files: 1, rows: 1, skipped: 0 };

describe("a run's status", () => {
  it.each<[string, Partial<FinishRunInput>, string]>([
    ["every unit ok and every dataset published", {}, "succeeded"],
    ["units only waiting for data GitHub has not published yet", { unitsOk: 2, unitsPending: 8 }, "succeeded"],
    ["a run with nothing to collect that published (the publish command)", { unitsTotal: 0, unitsOk: 0 }, "succeeded"],
    ["some units failed", { unitsOk: 7, unitsFailed: 3 }, "partial"],
    ["one dataset of two not published", { publish: [published, publishFailed] }, "partial"],
    ["the metrics computation failed", { computeFailed: true }, "partial"],
    ["every collection unit failed although the metrics were computed", { unitsOk: 0, unitsFailed: 10 }, "failed"],
    ["every unit failed but some were only pending", { unitsOk: 0, unitsPending: 4, unitsFailed: 6 }, "partial"],
    ["every dataset failed to publish", { publish: [publishFailed] }, "failed"],
    ["the run stopped early", { unitsOk: 0, aborted: true }, "failed"],
  ])("is what an operator reads it as: %s", (_, overrides, status) => {
    expect(runStatus(run(overrides))).toBe(status);
  });
});
