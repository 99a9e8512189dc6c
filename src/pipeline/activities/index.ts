import { z } from "zod";
import type { ReportArchive } from "../../archive/index.js";
import type { Settings } from "../../config/index.js";
import type { Pool } from "../../db/index.js";
import type { DownloadOptions, GitHubClient } from "../../github/index.js";
import { publishDataset, userIdentitySource, type PublishSink } from "../../publish/index.js";
import type { SecretSource } from "../../secrets/index.js";
import type { Telemetry } from "../../telemetry/index.js";
import { summarize } from "../error-summary.js";
import { activityNames } from "../orchestrator.js";
import { planUnits } from "../planner.js";
import { plannedUnit, storePlan } from "../run-plan.js";
import { finishRun, startRun, type PublishResult } from "../run-record.js";
import { day, enterpriseInput, plannedUnitInput, unitIdentity, type PlanSummary } from "../units.js";
import { checkAccess } from "./check-access.js";
import { ingestReport } from "./ingest-report.js";
import { snapshotSeats } from "./snapshot-seats.js";
import { collectPremiumUsage } from "./collect-premium-usage.js";
import { computeMetrics } from "./compute-metrics.js";
import { listRepositories, syncRepositories } from "./sync-repositories.js";
import { observedActivities } from "./with-telemetry.js";

export interface PipelineDependencies {
  pool: Pool;
  settings: Settings;
  github: (enterprise: string) => GitHubClient;
  sink: PublishSink;
  /** Where the secret user-hash-key is read (USER_IDENTITY=hashed): Key Vault with KEY_VAULT_URL, else the environment. */
  secrets: SecretSource;
  download?: DownloadOptions;
  /** Called with the record count of every ingested unit, for live progress. */
  onRecords?: (count: number) => void;
  /** Raw report archive (ARCHIVE_ACCOUNT_URL); none: files are not archived. */
  archive?: ReportArchive;
  /** Events and metrics of docs/operations.md (App Insights, or console lines); none: no telemetry. */
  telemetry?: Telemetry;
}

export type Activity = (input: unknown) => Promise<unknown>;

// Seat listings are a few pages per organization; they may use the limit down to this share.
const seatRateLimitFloorPercent = 10;

const planInput = z.object({
  runId: z.string(),
  today: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  enterprise: enterpriseInput,
  backfillDays: z.number().int(),
  repollDays: z.number().int(),
});
// `day`: the run's day, which names its snapshots and bounds the retention.
const publishInput = z.object({ runId: z.string(), dataset: z.string(), day });

/** Every activity of the orchestrator, by name, built once per worker from its dependencies. */
export function createActivities(deps: PipelineDependencies): Record<string, Activity> {
  const userIdentity = userIdentitySource(deps.settings, (name) => deps.secrets.get(name));
  const ingest = ingestReport(deps);
  return observedActivities(deps, {
    [activityNames.startRun]: startRun(deps.pool),
    [activityNames.planUnits]: async (input): Promise<PlanSummary> => {
      const { runId, enterprise, ...request } = planInput.parse(input);
      const units = await planUnits(deps.pool, { ...request, enterprises: [enterprise] });
      await storePlan(deps.pool, runId, enterprise.slug, units);
      const copilotFrom = units.flatMap((unit) => unit.days).sort()[0];
      return { units: units.length, ...(copilotFrom === undefined ? {} : { copilotFrom }) };
    },
    // The orchestrator hands out units of the stored plan by position; a unit itself (reingest
    // tooling, benchmarks) is ingested as given.
    [activityNames.ingestReport]: async (input) => {
      const reference = plannedUnitInput.safeParse(input);
      if (!reference.success) return ingest(input);
      const unit = await plannedUnit(deps.pool, reference.data.runId, reference.data.enterprise, reference.data.unit);
      return { ...(await ingest(unit)), unit: unitIdentity(unit) };
    },
    [activityNames.snapshotSeats]: snapshotSeats({ ...deps, rateLimitFloorPercent: seatRateLimitFloorPercent }),
    [activityNames.listRepositories]: listRepositories(deps),
    [activityNames.syncRepositories]: syncRepositories(deps),
    [activityNames.collectPremiumUsage]: collectPremiumUsage(deps),
    [activityNames.computeMetrics]: computeMetrics(deps),
    [activityNames.publishDataset]: async (input): Promise<PublishResult> => {
      const { runId, dataset, day: runDay } = publishInput.parse(input);
      try {
        const published = await publishDataset(deps.pool, deps.sink, dataset, {
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
    },
    [activityNames.finishRun]: finishRun(deps.pool),
    [activityNames.checkAccess]: checkAccess(deps),
  });
}
