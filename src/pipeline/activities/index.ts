import { z } from "zod";
import type { Settings } from "../../config/index.js";
import type { Pool } from "../../db/index.js";
import { dayOf } from "../../days.js";
import type { DownloadOptions, GitHubClient } from "../../github/index.js";
import { publishDataset, type PublishSink } from "../../publish/index.js";
import { summarize } from "../error-summary.js";
import { activityNames } from "../orchestrator.js";
import { planUnits } from "../planner.js";
import { finishRun, startRun, type PublishResult } from "../run-record.js";
import { enterpriseInput } from "../units.js";
import { ingestReport } from "./ingest-report.js";

export interface PipelineDependencies {
  pool: Pool;
  settings: Settings;
  github: (enterprise: string) => GitHubClient;
  sink: PublishSink;
  download?: DownloadOptions;
  /** Called with the record count of every ingested unit, for live progress. */
  onRecords?: (count: number) => void;
}

export type Activity = (input: unknown) => Promise<unknown>;

const planInput = z.object({
  today: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  enterprises: z.array(enterpriseInput),
  backfillDays: z.number().int(),
  repollDays: z.number().int(),
});
const publishInput = z.object({ runId: z.string(), dataset: z.string() });

/** Every activity of the orchestrator, by name, built once per worker from its dependencies. */
export function createActivities(deps: PipelineDependencies): Record<string, Activity> {
  return {
    [activityNames.startRun]: startRun(deps.pool),
    [activityNames.planUnits]: async (input) => planUnits(deps.pool, planInput.parse(input)),
    [activityNames.ingestReport]: ingestReport(deps),
    [activityNames.publishDataset]: async (input): Promise<PublishResult> => {
      const { dataset } = publishInput.parse(input);
      try {
        const published = await publishDataset(deps.pool, deps.sink, dataset, {
          format: { decimalSeparator: deps.settings.CSV_DECIMAL_SEPARATOR },
          firstDay: retentionStart(new Date(), deps.settings.EXPORT_RETENTION_MONTHS),
        });
        return { ok: true, ...published };
      } catch (error) {
        return { dataset, ok: false, error: summarize(error) };
      }
    },
    [activityNames.finishRun]: finishRun(deps.pool),
  };
}

/** The first day of the month EXPORT_RETENTION_MONTHS - 1 months before this one. */
function retentionStart(now: Date, months: number): string {
  return dayOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1)));
}
