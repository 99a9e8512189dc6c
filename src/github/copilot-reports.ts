/**
 * The Copilot usage-metrics report endpoints (reference/github-api.md §1.3), one table instead of a
 * handler per report. `report` is GitHub's own name of the endpoint; with `scope` it names a kind.
 */
export type Scope = "enterprise" | "organization";
/** aggregate: daily totals; users: per user; teams: user-team membership; repos: per repository. */
export type ReportLevel = "aggregate" | "users" | "teams" | "repos";
type ReportPeriod = "1-day" | "28-day";

export interface ReportKind {
  scope: Scope;
  report: string;
  level: ReportLevel;
  period: ReportPeriod;
  /** Path under the REST base URL; `{owner}` is the enterprise slug or the org login. */
  path: string;
  /** First day GitHub has data for (reference §1.4). */
  firstDay: string;
}

const enterpriseFirstDay = "2025-10-10";
const organizationFirstDay = "2025-12-12";
// Repository-level reports went GA on 2026-07-17 (reference §2.5); nothing exists before.
const repositoryFirstDay = "2026-07-17";
const enterpriseBase = "/enterprises/{owner}/copilot/metrics/reports";
const organizationBase = "/orgs/{owner}/copilot/metrics/reports";

export const reportKinds: readonly ReportKind[] = [
  {
    scope: "enterprise",
    report: "enterprise-1-day",
    level: "aggregate",
    period: "1-day",
    path: `${enterpriseBase}/enterprise-1-day`,
    firstDay: enterpriseFirstDay,
  },
  {
    scope: "enterprise",
    report: "enterprise-28-day",
    level: "aggregate",
    period: "28-day",
    path: `${enterpriseBase}/enterprise-28-day/latest`,
    firstDay: enterpriseFirstDay,
  },
  {
    scope: "enterprise",
    report: "users-1-day",
    level: "users",
    period: "1-day",
    path: `${enterpriseBase}/users-1-day`,
    firstDay: enterpriseFirstDay,
  },
  {
    scope: "enterprise",
    report: "users-28-day",
    level: "users",
    period: "28-day",
    path: `${enterpriseBase}/users-28-day/latest`,
    firstDay: enterpriseFirstDay,
  },
  {
    scope: "organization",
    report: "organization-1-day",
    level: "aggregate",
    period: "1-day",
    path: `${organizationBase}/organization-1-day`,
    firstDay: organizationFirstDay,
  },
  {
    scope: "organization",
    report: "organization-28-day",
    level: "aggregate",
    period: "28-day",
    path: `${organizationBase}/organization-28-day/latest`,
    firstDay: organizationFirstDay,
  },
  {
    scope: "organization",
    report: "users-1-day",
    level: "users",
    period: "1-day",
    path: `${organizationBase}/users-1-day`,
    firstDay: organizationFirstDay,
  },
  {
    scope: "organization",
    report: "users-28-day",
    level: "users",
    period: "28-day",
    path: `${organizationBase}/users-28-day/latest`,
    firstDay: organizationFirstDay,
  },
  {
    scope: "enterprise",
    report: "user-teams-1-day",
    level: "teams",
    period: "1-day",
    path: `${enterpriseBase}/user-teams-1-day`,
    firstDay: enterpriseFirstDay,
  },
  {
    scope: "organization",
    report: "user-teams-1-day",
    level: "teams",
    period: "1-day",
    path: `${organizationBase}/user-teams-1-day`,
    firstDay: organizationFirstDay,
  },
  // Not in the official docs read (reference §1.3): the path follows go-github and navikt/copilot.
  {
    scope: "enterprise",
    report: "repos-1-day",
    level: "repos",
    period: "1-day",
    path: `${enterpriseBase}/repos-1-day`,
    firstDay: repositoryFirstDay,
  },
  {
    scope: "organization",
    report: "repos-1-day",
    level: "repos",
    period: "1-day",
    path: `${organizationBase}/repos-1-day`,
    firstDay: repositoryFirstDay,
  },
];

export function findReportKind(scope: Scope, report: string): ReportKind {
  const kind = reportKinds.find((candidate) => candidate.scope === scope && candidate.report === report);
  if (kind === undefined) {
    const known = reportKinds.filter((candidate) => candidate.scope === scope).map((candidate) => candidate.report);
    throw new Error(`Unknown ${scope} report "${report}"; known: ${known.join(", ")}.`);
  }
  return kind;
}
