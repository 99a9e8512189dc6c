import { RequestError } from "@octokit/request-error";

/**
 * Which tokens GitHub accepts on each REST endpoint the collector calls, as GitHub's descriptions
 * say on 2026-12-07: the classic-PAT scopes from the OpenAPI description (`@octokit/openapi`
 * ghec.json, api.github.com.json for the organization billing paths), the fine-grained and
 * GitHub App token types from the REST reference pages ("Fine-grained access tokens for …").
 * The README's token table is this list (a test holds it to it), and a 403 names the row.
 */
export interface EndpointPermission {
  /** Method and path template as in GitHub's OpenAPI description. */
  route: string;
  /** Who the token's user must be. */
  role: string;
  /** Personal access token (classic) or OAuth app token. */
  classic: string;
  /** Fine-grained personal access token. */
  fineGrained: string;
  /** GitHub App installation and user access tokens. */
  githubApp: string;
}

const notAccepted = "not accepted";
const enterpriseReports = {
  role: "enterprise owner, billing manager, or a custom role with “View Enterprise Copilot Metrics”",
  classic: "`manage_billing:copilot` or `read:enterprise`",
  fineGrained: notAccepted,
  githubApp: "“Enterprise Copilot metrics” enterprise permission (read)",
};
const organizationReports = {
  role: "organization owner, or a custom role with “View Organization Copilot Metrics”",
  classic: "`read:org`",
  fineGrained: "“Organization Copilot metrics” organization permission (read)",
  githubApp: "“Organization Copilot metrics” organization permission (read)",
};
const enterpriseBilling = {
  role: "enterprise owner or billing manager, or a custom role with read access to enterprise billing",
  classic: "accepted; GitHub names no scope (its billing tutorial uses a classic PAT of an enterprise admin)",
  fineGrained: notAccepted,
  githubApp: "installation on the enterprise with the “Enterprise billing” permission (read)",
};
const organizationBilling = {
  role: "organization owner",
  classic: "accepted; GitHub names no scope",
  fineGrained: "“Administration” organization permission (read)",
  githubApp: "“Administration” organization permission (read)",
};
/** Repository endpoints: `repo` reaches private repositories, fine-grained tokens need the repository permission. */
const repository = (permission: string) => ({
  role: "can read the repository",
  classic: "`repo` (private repositories)",
  fineGrained: `“${permission}” repository permission (read)`,
  githubApp: `“${permission}” repository permission (read)`,
});

const reportRoutes = (prefix: string, reports: string[]) => reports.map((report) => `GET ${prefix}/${report}`);

export const endpointPermissions: readonly EndpointPermission[] = [
  ...reportRoutes("/enterprises/{enterprise}/copilot/metrics/reports", [
    "enterprise-1-day",
    "enterprise-28-day/latest",
    "users-1-day",
    "users-28-day/latest",
    "user-teams-1-day",
    "repos-1-day",
  ]).map((route) => ({ route, ...enterpriseReports })),
  ...reportRoutes("/orgs/{org}/copilot/metrics/reports", [
    "organization-1-day",
    "organization-28-day/latest",
    "users-1-day",
    "users-28-day/latest",
    "user-teams-1-day",
    "repos-1-day",
  ]).map((route) => ({ route, ...organizationReports })),
  {
    route: "GET /enterprises/{enterprise}/copilot/billing/seats",
    role: "enterprise owner or billing manager",
    classic: "`manage_billing:copilot` or `read:enterprise`",
    fineGrained: notAccepted,
    githubApp: "“Enterprise Copilot license management” enterprise permission (read)",
  },
  {
    route: "GET /orgs/{org}/copilot/billing/seats",
    role: "organization owner",
    classic: "`manage_billing:copilot` or `read:org`",
    fineGrained: "“GitHub Copilot Business” organization permission (read)",
    githubApp: "“GitHub Copilot Business” organization permission (read)",
  },
  { route: "GET /enterprises/{enterprise}/settings/billing/ai_credit/usage", ...enterpriseBilling },
  { route: "GET /enterprises/{enterprise}/settings/billing/premium_request/usage", ...enterpriseBilling },
  { route: "GET /organizations/{org}/settings/billing/ai_credit/usage", ...organizationBilling },
  { route: "GET /organizations/{org}/settings/billing/premium_request/usage", ...organizationBilling },
  { route: "GET /orgs/{org}/repos", ...repository("Metadata") },
  { route: "GET /repos/{owner}/{repo}/commits", ...repository("Contents") },
  { route: "GET /repos/{owner}/{repo}/commits/{ref}", ...repository("Contents") },
  { route: "GET /repos/{owner}/{repo}/compare/{basehead}", ...repository("Contents") },
  { route: "GET /repos/{owner}/{repo}/deployments", ...repository("Deployments") },
  { route: "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", ...repository("Deployments") },
  { route: "GET /repos/{owner}/{repo}/actions/runs", ...repository("Actions") },
  { route: "GET /repos/{owner}/{repo}/issues", ...repository("Issues") },
];

/** The README's token table, row for row. */
export function permissionTable(): string[] {
  return [
    "| Endpoint | Who | Classic PAT scopes | Fine-grained PAT | GitHub App token |",
    "|---|---|---|---|---|",
    ...endpointPermissions.map((row) => `| \`${row.route}\` | ${row.role} | ${row.classic} | ${row.fineGrained} | ${row.githubApp} |`),
  ];
}

const matchers = endpointPermissions.map((row) => {
  const [method, template] = row.route.split(" ") as [string, string];
  // A path parameter is one segment, except `basehead` (`base...head`) which never holds a slash either.
  const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);
  return { method, pattern, row };
});

/** The row of a request, by method and path (any query string ignored); undefined for a path not in the table. */
export function permissionFor(method: string, url: string): EndpointPermission | undefined {
  const path = new URL(url, "https://api.invalid").pathname;
  return matchers.find((matcher) => matcher.method === method.toUpperCase() && matcher.pattern.test(path))?.row;
}

/** GitHub refused a request with 403 for want of a permission; the message says which tokens would be accepted. */
export class GitHubForbiddenError extends Error {
  override readonly name = "GitHubForbiddenError" as const;
  constructor(
    readonly route: string,
    readonly owner: string,
    readonly permission: EndpointPermission | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(
      permission === undefined
        ? `GitHub refused ${route} for ${owner} (403): the token lacks a permission this endpoint needs.`
        : `GitHub refused ${route} for ${owner} (403): the token's user must be ${permission.role}; classic PAT: ` +
            `${permission.classic}; fine-grained PAT: ${permission.fineGrained}; GitHub App token: ${permission.githubApp}.`,
      options,
    );
  }
}

/**
 * A 403 that is about permissions (not a rate limit, which GitHub also answers 403 with) as a
 * GitHubForbiddenError naming the endpoint's row; anything else unchanged.
 */
export function explainForbidden(error: unknown, method: string, url: string, owner: string): unknown {
  if (!(error instanceof RequestError) || error.status !== 403) return error;
  const headers = error.response?.headers ?? {};
  if (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined) return error;
  const permission = permissionFor(method, url);
  const route = permission?.route ?? `${method.toUpperCase()} ${new URL(url, "https://api.invalid").pathname}`;
  return new GitHubForbiddenError(route, owner, permission, { cause: error });
}
