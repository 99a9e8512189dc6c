export { readReportRecordBatches, MalformedReportError, type ReportRecord } from "./report-records.js";
export { combiningRepeatedUsers, replaceReportDays } from "./usage-store.js";
export { featureFigureColumns } from "./usage-rows.js";
export { seatRows } from "./seat-rows.js";
export { replaceSeatSnapshot } from "./seat-store.js";
export {
  replacePremiumUsage,
  replaceUserPremiumUsage,
  billingDaysToCatchUp,
  billingLogins,
  unresolvedBillingLogins,
  type BillingUsageRead,
} from "./billing-store.js";
export {
  saveRepositories,
  shardRepositories,
  markRepository,
  loadSyncStates,
  saveSyncState,
  savePullRequests,
  saveCommits,
  saveDeployments,
  deploymentsNeedingStatuses,
  saveDeploymentStatuses,
  deploymentsToCompare,
  saveDeploymentCommits,
  saveWorkflowRuns,
  saveIncidents,
  type SyncState,
  type SyncResource,
  type PullRequestRow,
  type ReviewRow,
  type DeploymentToCompare,
  type CommitsStatus,
} from "./repositories/repository-store.js";
