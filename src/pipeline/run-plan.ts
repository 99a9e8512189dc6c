import { inTransaction, type Pool } from "../db/index.js";
import { reportUnit, type ReportUnit } from "./units.js";

/** A run's plan outlives the run only until the next runs clean up: a crashed run leaves its rows. */
const keptDays = 7;

/**
 * Stores an enterprise's units for the run in plan order, replacing what an earlier attempt stored,
 * and drops the plans of runs older than a week.
 */
export async function storePlan(pool: Pool, runId: string, enterprise: string, units: ReportUnit[]): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(
      `delete from run_plan_units where (run_id = $1 and enterprise = $2) or created_at < now() - make_interval(days => $3)`,
      [runId, enterprise, keptDays],
    );
    await client.query(
      `insert into run_plan_units (run_id, enterprise, unit, scope, organization, report, series, days)
       select $1, $2, u.unit, u.scope, u.organization, u.report, u.series, u.days
       from jsonb_to_recordset($3::jsonb) as u (unit integer, scope text, organization text, report text, series text, days date[])`,
      [runId, enterprise, JSON.stringify(units.map((unit, index) => ({ ...unit, unit: index })))],
    );
  });
}

/** Unit `index` of an enterprise's stored plan for the run. */
export async function plannedUnit(pool: Pool, runId: string, enterprise: string, index: number): Promise<ReportUnit> {
  const found = await pool.query(
    `select enterprise, scope, organization, report, series, days::text[] as days from run_plan_units
     where run_id = $1 and enterprise = $2 and unit = $3`,
    [runId, enterprise, index],
  );
  if (found.rows[0] === undefined) {
    throw new Error(`Unit ${index} of ${enterprise} in run ${runId} is not in the stored plan (run_plan_units); the run's planUnits activity must run first.`);
  }
  return reportUnit.parse({ ...found.rows[0], runId });
}

/** The run's plan is no longer needed once the run is recorded. */
export async function dropPlan(pool: Pool, runId: string): Promise<void> {
  await pool.query("delete from run_plan_units where run_id = $1", [runId]);
}
