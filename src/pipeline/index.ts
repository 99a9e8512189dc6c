export { collectOrchestrator, activityNames, activityRetry, type RunProgress } from "./orchestrator.js";
export type { OrchestrationContext, RetryPolicy, Task } from "./orchestration-context.js";
export { createActivities, activityTable, type PipelineDependencies, type Activity } from "./activities/index.js";
export { runLocally, type LocalDriverOptions } from "./local-driver.js";
export { planUnits, type PlanRequest } from "./planner.js";
export type { RunSummary, PublishResult } from "./run-record.js";
export type { RunInput, ReportUnit, UnitResult } from "./units.js";
