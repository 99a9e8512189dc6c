import { createGitHubClient, type GitHubClient, type GitHubClientOptions, type ReportKind } from "../../src/github/index.js";
import {
  startGitHubServer,
  type ExtraRoute,
  type GitHubServer,
  type GitHubServerOptions,
  type ReportAnswer,
} from "../../src/sandbox/github-server.js";

export { startGitHubServer, type GitHubServer, type ReportAnswer };

export const fakeToken = "ghp_fakeTokenForTests000000000000000000";

/** A client of the fake at `url` with the fake's token, its own throttling id and retries in milliseconds. */
export function fakeGitHubClient(url: string, overrides: Partial<GitHubClientOptions> = {}): GitHubClient {
  return createGitHubClient({
    baseUrl: url,
    apiVersion: "2026-03-10",
    token: { get: async () => fakeToken, refresh: async () => fakeToken },
    throttleId: `test-${Math.random()}`,
    retryTimeScaleMs: 5,
    ...overrides,
  });
}

/**
 * Report answers from a table the test writes: key `scope/owner/report/day` (day `latest` for the
 * 28-day reports). A missing key is GitHub's 404 "not generated yet". Mutable, so a test can make
 * a day appear later.
 */
export class ReportTable {
  readonly answers = new Map<string, ReportAnswer>();

  set(scope: ReportKind["scope"], owner: string, report: string, day: string, answer: ReportAnswer): this {
    this.answers.set(`${scope}/${owner}/${report}/${day}`, answer);
    return this;
  }

  files(
    scope: ReportKind["scope"],
    owner: string,
    report: string,
    day: string,
    files: string[],
    range?: { firstDay: string; lastDay: string },
  ): this {
    return this.set(scope, owner, report, day, { kind: "files", files, ...range });
  }

  readonly source: GitHubServerOptions["reports"] = ({ kind, owner, day }) =>
    this.answers.get(`${kind.scope}/${owner}/${kind.report}/${day ?? "latest"}`) ?? { kind: "status", status: 404 };
}

/** Organizations and enterprises with no Copilot seats, and organizations with no repositories, unless a test routes those APIs itself. */
const emptyOrganization: ExtraRoute = (_request, response, url) => {
  const body = /^\/(orgs|enterprises)\/[^/]+\/copilot\/billing\/seats$/.test(url.pathname)
    ? { total_seats: 0, seats: [] }
    : /^\/orgs\/[^/]+\/repos$/.test(url.pathname)
      ? []
      : undefined;
  if (body === undefined) return false;
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  return true;
};

export function startFakeGitHub(table: ReportTable, options: Omit<GitHubServerOptions, "reports"> = {}): Promise<GitHubServer> {
  return startGitHubServer({ token: fakeToken, ...options, routes: [...(options.routes ?? []), emptyOrganization], reports: table.source });
}
