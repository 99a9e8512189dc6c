export { collectOrchestrator, activityRetry } from "./orchestrator.js";
export type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
export {
  accessLabel,
  activityNames,
  activityTable,
  createActivities,
  type Activity,
  type PipelineDependencies,
} from "./activities/index.js";
export { accessContext } from "./activities/check-access.js";
export { runLocally } from "./local-driver.js";
export { planUnits, reportSeries } from "./planner.js";
export { reingest } from "./reingest.js";
export { closeAbandonedRuns, markRunInterrupted, registerRunProcess } from "./run-process.js";
export type { RunSummary } from "./run-record.js";
export {
  computeMetricsLabel,
  organizationInput,
  premiumUsageInput,
  premiumUsageLabel,
  repositoriesLabel,
  repositoryShard,
  shardLabel,
} from "./repository-shards.js";
export { plannedUnitInput, reportUnit, seatSnapshotInput, seatsLabel, unitLabel, type RunInput, type ReportUnit } from "./units.js";
