import { z } from "zod";
import { plannedUnit } from "../run-plan.js";
import { finishRun, finishRunInput, publishResult, runSummary, startRun, startRunInput } from "../run-record.js";
import {
  collectionResult,
  computeMetricsInput,
  computeMetricsLabel,
  organizationInput,
  premiumUsageInput,
  premiumUsageLabel,
  repositoriesLabel,
  repositoryListResult,
  repositoryShard,
  shardLabel,
} from "../repository-shards.js";
import { ingestInput, ingestResult, planSummary, seatSnapshotInput, seatSnapshotResult, seatsLabel, unitIdentity } from "../units.js";
import { accessCheckResult, accessInput, checkAccess } from "./check-access.js";
import { collectPremiumUsage } from "./collect-premium-usage.js";
import { computeMetrics } from "./compute-metrics.js";
import { defineActivity } from "./entry.js";
import { ingestReport } from "./ingest-report.js";
import { planInput, planUnits } from "./plan-units.js";
import { publishDataset, publishInput } from "./publish-dataset.js";
import { snapshotSeats } from "./snapshot-seats.js";
import { listRepositories, syncRepositories } from "./sync-repositories.js";

// Seat listings are a few pages per organization; they may use the limit down to this share.
const seatRateLimitFloorPercent = 10;

/** The names activities are registered and called by: running instances replay against them, so they never change. */
export const activityNames = {
  startRun: "startRun",
  checkAccess: "checkAccess",
  planUnits: "planUnits",
  ingestReport: "ingestReport",
  snapshotSeats: "snapshotSeats",
  listRepositories: "listRepositories",
  syncRepositories: "syncRepositories",
  collectPremiumUsage: "collectPremiumUsage",
  computeMetrics: "computeMetrics",
  publishDataset: "publishDataset",
  finishRun: "finishRun",
} as const;

/** The unit name under which an enterprise that could not start is reported. */
export const accessLabel = (enterprise: string) => `${enterprise} access`;

/**
 * Every activity of the orchestrator: its name, the JSON it takes and returns, the unit name its
 * failures are reported under, and its function. Inputs and outputs cross Durable's history, so
 * they stay small: counts, ids, cursors.
 */
export const activityTable = {
  startRun: defineActivity({
    name: activityNames.startRun,
    input: startRunInput,
    output: z.object({ runId: z.string() }),
    unit: false,
    create: (deps) => startRun(deps.pool),
  }),
  checkAccess: defineActivity({
    name: activityNames.checkAccess,
    input: accessInput,
    output: accessCheckResult,
    unit: true,
    label: ({ enterprise }) => accessLabel(enterprise),
    create: checkAccess,
  }),
  planUnits: defineActivity({
    name: activityNames.planUnits,
    input: planInput,
    output: planSummary,
    unit: false,
    create: (deps) => planUnits(deps.pool),
  }),
  // The orchestrator hands out units of the stored plan by position; a unit itself (reingest
  // tooling, benchmarks) is ingested as given. Its label comes with its result.
  ingestReport: defineActivity({
    name: activityNames.ingestReport,
    input: ingestInput,
    output: ingestResult,
    unit: true,
    create: (deps) => {
      const ingest = ingestReport(deps);
      return async (input) => {
        if (!("unit" in input)) return ingest(input);
        const unit = await plannedUnit(deps.pool, input.runId, input.enterprise, input.unit);
        return { ...(await ingest(unit)), unit: unitIdentity(unit) };
      };
    },
  }),
  snapshotSeats: defineActivity({
    name: activityNames.snapshotSeats,
    input: seatSnapshotInput,
    output: seatSnapshotResult,
    unit: true,
    label: seatsLabel,
    create: (deps) => snapshotSeats({ ...deps, rateLimitFloorPercent: seatRateLimitFloorPercent }),
  }),
  listRepositories: defineActivity({
    name: activityNames.listRepositories,
    input: organizationInput,
    output: repositoryListResult,
    unit: true,
    label: repositoriesLabel,
    create: listRepositories,
  }),
  syncRepositories: defineActivity({
    name: activityNames.syncRepositories,
    input: repositoryShard,
    output: collectionResult,
    unit: true,
    label: shardLabel,
    create: syncRepositories,
  }),
  collectPremiumUsage: defineActivity({
    name: activityNames.collectPremiumUsage,
    input: premiumUsageInput,
    output: collectionResult,
    unit: true,
    label: ({ enterprise }) => premiumUsageLabel(enterprise),
    create: collectPremiumUsage,
  }),
  computeMetrics: defineActivity({
    name: activityNames.computeMetrics,
    input: computeMetricsInput,
    output: collectionResult,
    unit: true,
    label: () => computeMetricsLabel,
    create: computeMetrics,
  }),
  publishDataset: defineActivity({
    name: activityNames.publishDataset,
    input: publishInput,
    output: publishResult,
    unit: false,
    create: publishDataset,
  }),
  finishRun: defineActivity({
    name: activityNames.finishRun,
    input: finishRunInput,
    output: runSummary,
    unit: false,
    create: (deps) => finishRun(deps.pool),
  }),
};
