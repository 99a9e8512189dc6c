import type { Pool } from "../db/index.js";
import { runStore } from "../runs/index.js";
import { reportUnit, type ReportUnit } from "./units.js";

/** A run's plan outlives the run only until the next runs clean up: a crashed run leaves its rows. */
const keptDays = 7;

/**
 * Stores an enterprise's units for the run in plan order, replacing what an earlier attempt stored,
 * and drops the plans of runs older than a week.
 */
export async function storePlan(pool: Pool, runId: string, enterprise: string, units: ReportUnit[]): Promise<void> {
  await runStore.storePlan(pool, runId, enterprise, units, keptDays);
}

/** Unit `index` of an enterprise's stored plan for the run. */
export async function plannedUnit(pool: Pool, runId: string, enterprise: string, index: number): Promise<ReportUnit> {
  const found = await runStore.plannedUnit(pool, runId, enterprise, index);
  if (found === undefined) {
    throw new Error(
      `Unit ${index} of ${enterprise} in run ${runId} is not in the stored plan (run_plan_units); the run's planUnits activity must run first.`,
    );
  }
  return reportUnit.parse({ ...found, runId });
}

/** The run's plan is no longer needed once the run is recorded. */
export async function dropPlan(pool: Pool, runId: string): Promise<void> {
  await runStore.dropPlan(pool, runId);
}
