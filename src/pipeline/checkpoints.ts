import type { Pool } from "../db/index.js";
import { runStore } from "../runs/index.js";
import type { ReportUnit, UnitResult } from "./units.js";

/**
 * Records what happened to each day of a unit. Days a report covered are ok; days it did not reach
 * yet are pending; a failure marks every day failed with the error, and counts the attempt.
 */
export async function recordCheckpoints(pool: Pool, unit: ReportUnit, coveredDays: string[], result: UnitResult): Promise<void> {
  const covered = new Set(coveredDays);
  const statuses = unit.days.map((day) =>
    !result.ok ? "failed" : covered.has(day) ? "ok" : result.status === "unavailable" ? "unavailable" : "pending",
  );
  await runStore.recordCheckpoints(pool, unit, unit.days, statuses, {
    records: result.ok ? result.records : 0,
    error: result.ok ? null : result.error,
  });
}
