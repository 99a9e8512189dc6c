import type { Settings } from "../../config/index.js";
import type { Pool } from "../../db/index.js";
import { computeWeeklyMetrics, metricDefinitions } from "../../metrics/index.js";
import { summarize } from "../error-summary.js";
import type { CollectionResult, ComputeMetricsInput } from "../repository-shards.js";

/**
 * DORA and velocity for the weeks this run's changes reach (set-based SQL, in ranges of weeks,
 * each its own transaction). A failure is returned: the changes stay unmarked, so the next run's
 * computation covers them.
 */
export function computeMetrics(deps: { pool: Pool; settings: Settings }) {
  return async (input: ComputeMetricsInput): Promise<CollectionResult> => {
    try {
      await computeWeeklyMetrics(deps.pool, {
        enterprises: input.enterprises,
        today: input.today,
        copilotFrom: input.copilotFrom,
        full: input.full,
        definitions: metricDefinitions(deps.settings),
      });
      return { ok: true, status: "ok", records: 0 };
    } catch (error) {
      return { ok: false, error: summarize(error) };
    }
  };
}
