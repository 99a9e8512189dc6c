export { createGitHubClient, type GitHubClient, type GitHubClientOptions } from "./client.js";
export { reportKinds, findReportKind, type ReportKind, type Scope, type ReportLevel } from "./copilot-reports.js";
export { fetchReportLinks } from "./report-links.js";
export { openReportFile, withoutQuery, ReportDownloadError, SignedLinkExpiredError, type DownloadOptions } from "./report-download.js";
export { rateBudget, RateBudgetExhaustedError, type RateBudget } from "./rate-budget.js";
export { ForeignLinkError, type Etag } from "./paginate.js";
export {
  organizationRepositories,
  commits,
  commit,
  deployments,
  deploymentStatuses,
  compareCommits,
  workflowRuns,
  labelledIssues,
  RepositoryUnavailableError,
  type RepositoryRef,
  type RecordPage,
} from "./repository-activity.js";
export { graphqlPullRequests, pullRequestsQuery, pullRequestReviewsQuery, type GraphqlPullRequest } from "./pull-requests-graphql.js";
export type {
  RepositoryRecord,
  PullRequestItem,
  CommitRecord,
  ReviewRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  WorkflowRunRecord,
  IssueRecord,
} from "./repository-records.js";
export { premiumUsageDay, premiumUsageOfUser, type BillingUnit, type PremiumUsageItem, type PremiumUsageScope } from "./premium-usage.js";
export { listCopilotSeats, listEnterpriseCopilotSeats } from "./copilot-seats.js";
export { endpointPermissions, permissionTable, permissionFor, explainForbidden, GitHubForbiddenError } from "./endpoint-permissions.js";
export { checkEnterpriseAccess, probe, type AccessContext, type AccessResult } from "./access-check.js";
