export {
  saveRepositories, shardRepositories, markRepository, loadSyncStates, saveSyncState, savePullRequests,
  saveCommits, saveDeployments, deploymentsNeedingStatuses, saveDeploymentStatuses, deploymentsToCompare, saveDeploymentCommits,
  saveWorkflowRuns, saveIncidents, type SyncState, type SyncResource, type PullRequestRow, type ReviewRow,
  type DeploymentToCompare, type CommitsStatus,
} from "./repository-store.js";
export { computeWeeklyMetrics, metricDefinitions, type MetricDefinitions, type ComputeRequest, type ComputeResult } from "./compute-metrics.js";
