import { z } from "zod";
import { publishDataset as publish, userIdentitySource } from "../../publish/index.js";
import { summarize } from "../error-summary.js";
import type { PublishResult } from "../run-record.js";
import { day } from "../units.js";
import type { PipelineDependencies } from "./dependencies.js";

// `day`: the run's day, which names its snapshots and bounds the retention.
export const publishInput = z.object({ runId: z.string(), dataset: z.string(), day });

/** Writes one dataset's CSV to the sink; a failure is returned, so the other datasets still publish. */
export function publishDataset(deps: PipelineDependencies) {
  const userIdentity = userIdentitySource(deps.settings, (name) => deps.secrets.get(name));
  return async ({ runId, dataset, day: runDay }: z.infer<typeof publishInput>): Promise<PublishResult> => {
    try {
      const published = await publish(deps.pool, deps.sink, dataset, {
        runId,
        day: runDay,
        format: { decimalSeparator: deps.settings.CSV_DECIMAL_SEPARATOR },
        userIdentity,
        retentionMonths: deps.settings.EXPORT_RETENTION_MONTHS,
        snapshots: deps.settings.EXPORT_SNAPSHOTS,
      });
      return { ok: true, ...published };
    } catch (error) {
      return { dataset, ok: false, error: summarize(error) };
    }
  };
}
