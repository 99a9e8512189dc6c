import { z } from "zod";
import type { Pool } from "../../db/index.js";
import { planUnits as planDueUnits } from "../planner.js";
import { storePlan } from "../run-plan.js";
import { enterpriseInput, type PlanSummary } from "../units.js";

export const planInput = z.object({
  runId: z.string(),
  today: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  enterprise: enterpriseInput,
  backfillDays: z.number().int(),
  repollDays: z.number().int(),
});

/** Plans an enterprise's report units and stores them; the orchestrator gets their count only (a plan runs to megabytes). */
export function planUnits(pool: Pool) {
  return async ({ runId, enterprise, ...request }: z.infer<typeof planInput>): Promise<PlanSummary> => {
    const units = await planDueUnits(pool, { ...request, enterprises: [enterprise] });
    await storePlan(pool, runId, enterprise.slug, units);
    const copilotFrom = units.flatMap((unit) => unit.days).sort()[0];
    return { units: units.length, ...(copilotFrom === undefined ? {} : { copilotFrom }) };
  };
}
