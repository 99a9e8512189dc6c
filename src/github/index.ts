export { createGitHubClient, type GitHubClient, type GitHubClientOptions, type TokenSource } from "./client.js";
export { reportKinds, findReportKind, type ReportKind, type Scope, type ReportLevel, type ReportPeriod } from "./copilot-reports.js";
export { fetchReportLinks, ReportEnvelopeError, type ReportLinks } from "./report-links.js";
export { openReportFile, withoutQuery, ReportDownloadError, SignedLinkExpiredError, type DownloadOptions } from "./report-download.js";
