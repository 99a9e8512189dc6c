import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropPlan, plannedUnit, storePlan } from "../../src/pipeline/run-plan.js";
import type { ReportUnit } from "../../src/pipeline/units.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const unit = (days: string[], report = "enterprise-1-day"): ReportUnit => ({
  enterprise: "contoso",
  scope: "enterprise",
  organization: "",
  report,
  series: "enterprise-1-day",
  days,
});

describe("a run's stored plan", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());

  it("hands out each enterprise's units by position, replaces a repeated planning and is dropped with the run", async () => {
    await storePlan(database.pool, "run-1", "contoso", [unit(["2026-11-20"]), unit(["2026-11-21"])]);
    await storePlan(database.pool, "run-1", "fabrikam", [{ ...unit(["2026-11-22"]), enterprise: "fabrikam" }]);
    // A retried planUnits stores the enterprise's plan again, in place of the first.
    const window = unit(["2026-10-28", "2026-10-29", "2026-10-30"], "enterprise-28-day");
    await storePlan(database.pool, "run-1", "contoso", [window]);

    expect(await plannedUnit(database.pool, "run-1", "contoso", 0)).toEqual({ ...window, runId: "run-1" });
    expect(await plannedUnit(database.pool, "run-1", "fabrikam", 0)).toEqual({
      ...unit(["2026-11-22"]),
      enterprise: "fabrikam",
      runId: "run-1",
    });
    await expect(plannedUnit(database.pool, "run-1", "contoso", 1)).rejects.toThrow(
      "Unit 1 of contoso in run run-1 is not in the stored plan (run_plan_units); the run's planUnits activity must run first.",
    );

    await dropPlan(database.pool, "run-1");
    expect((await database.pool.query("select count(*)::int as n from run_plan_units")).rows).toEqual([{ n: 0 }]);
  });

  it("drops the plans that runs older than a week left behind when the next run plans", async () => {
    await storePlan(database.pool, "crashed-run", "contoso", [unit(["2026-11-01"])]);
    await database.pool.query("update run_plan_units set created_at = now() - interval '8 days'");
    await storePlan(database.pool, "run-2", "contoso", [unit(["2026-11-20"])]);
    expect((await database.pool.query("select run_id, unit from run_plan_units")).rows).toEqual([{ run_id: "run-2", unit: 0 }]);
  });
});
