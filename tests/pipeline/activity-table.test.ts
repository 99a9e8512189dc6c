import { describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { activityNames, activityTable, createActivities } from "../../src/pipeline/index.js";
import { createFolderSink } from "../../src/publish/index.js";
import { createSecretSource } from "../../src/secrets/index.js";

// Dependencies that fail the test if an activity reaches them: invalid input must stop before.
const activities = createActivities({
  pool: undefined as never,
  settings: parseSettings({}),
  github: () => {
    throw new Error("GitHub was called");
  },
  sink: createFolderSink("./out"),
  secrets: createSecretSource({ env: {} }),
});

describe("the table of activities", () => {
  it("holds every activity under the name the orchestrator calls it by, and builds each of them", () => {
    expect(Object.entries(activityTable).map(([key, entry]) => [key, entry.name])).toEqual(
      Object.values(activityNames).map((name) => [name, name]),
    );
    expect(Object.keys(activities)).toEqual(Object.values(activityNames));
  });

  it("answers a unit's activity given invalid input with one InvalidUnit failure, without running it", async () => {
    const units = Object.values(activityTable)
      .filter((entry) => entry.unit)
      .map((entry) => entry.name);
    expect(units).toEqual([
      "checkAccess",
      "ingestReport",
      "snapshotSeats",
      "listRepositories",
      "syncRepositories",
      "collectPremiumUsage",
      "computeMetrics",
    ]);
    for (const name of units) {
      const answer = await activities[name]!({ runId: "run-1", enterprise: 7 });
      expect(answer, name).toMatchObject({ ok: false, error: { errorClass: "InvalidUnit" } });
      expect(Object.keys(answer as object).sort(), name).toEqual(["error", "ok"]);
    }
  });

  it("throws when a step of the run itself is given invalid input, so the orchestrator's retries and abort take over", async () => {
    for (const name of [activityNames.startRun, activityNames.planUnits, activityNames.publishDataset, activityNames.finishRun]) {
      await expect(activities[name]!({ runId: 7 }), name).rejects.toThrow(/expected string/);
    }
  });
});
