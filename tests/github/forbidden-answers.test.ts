import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkEnterpriseAccess } from "../../src/github/access-check.js";
import { GitHubForbiddenError, findReportKind, rateBudget } from "../../src/github/index.js";
import { fetchReportLinks } from "../../src/github/report-links.js";
import { commits, organizationRepositories } from "../../src/github/repository-activity.js";
import { ReportTable, fakeGitHubClient, fakeToken, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { commitLine, people, repository, repositoryRoutes } from "../fakes/github-repositories.js";

// Every endpoint's 403 goes through the client, which names what the endpoint needs; a rate-limit
// 403 stays Octokit's own error for the throttling plugin.
const refusal = { message: "Resource not accessible by personal access token", documentation_url: "https://docs.github.com/rest" };

describe("a 403 from any GitHub endpoint", () => {
  let github: GitHubServer;
  const client = () => fakeGitHubClient(github.url, { retries: 0 });
  const line = commitLine("c", 2, "2026-11-02T09:00:00Z", 60, people.alice);

  beforeAll(async () => {
    github = await startFakeGitHub(new ReportTable(), {
      routes: repositoryRoutes({ repositories: [repository("contoso-web", "shop", 11, { head: line.at(-1)!.sha, commits: line })] }).routes,
    });
  });
  afterAll(async () => {
    await github.close();
  });

  it("names the permission a report endpoint needs, for its enterprise", async () => {
    github.inject({ target: "api", pathIncludes: "/copilot/metrics/reports/enterprise-1-day", status: 403, times: 1, body: refusal });
    const refused = await fetchReportLinks(client(), findReportKind("enterprise", "enterprise-1-day"), "contoso", "2026-11-20").catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(GitHubForbiddenError);
    expect(refused instanceof Error ? refused.message : "").toBe(
      "GitHub refused GET /enterprises/{enterprise}/copilot/metrics/reports/enterprise-1-day for contoso (403): the token's user must be " +
        "enterprise owner, billing manager, or a custom role with “View Enterprise Copilot Metrics”; classic PAT: `manage_billing:copilot` or " +
        "`read:enterprise`; fine-grained PAT: not accepted; GitHub App token: “Enterprise Copilot metrics” enterprise permission (read).",
    );
  });

  it("names the permission a repository endpoint needs, for the repository, without the query string or the token", async () => {
    github.inject({ target: "api", pathIncludes: "/repos/contoso-web/shop/commits", status: 403, times: 1, body: refusal });
    const pages = commits(
      client(),
      rateBudget(client(), 20),
      { organization: "contoso-web", name: "shop" },
      new Date("2026-11-01T00:00:00Z"),
    );
    const refused = await pages.next().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GitHubForbiddenError);
    const message = refused instanceof Error ? refused.message : "";
    expect(message).toBe(
      "GitHub refused GET /repos/{owner}/{repo}/commits for contoso-web/shop (403): the token's user must be can read the repository; " +
        "classic PAT: `repo` (private repositories); fine-grained PAT: “Contents” repository permission (read); GitHub App token: " +
        "“Contents” repository permission (read).",
    );
    expect(message).not.toContain("since=");
    expect(message).not.toContain(fakeToken);
  });

  it("names the permission the organization's repository list needs", async () => {
    github.inject({ target: "api", pathIncludes: "/orgs/contoso-web/repos", status: 403, times: 1, body: refusal });
    const refused = await organizationRepositories(client(), rateBudget(client(), 20), "contoso-web")
      .next()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GitHubForbiddenError);
    expect(refused instanceof Error ? refused.message : "").toContain("GitHub refused GET /orgs/{org}/repos for contoso-web (403)");
  });

  it("is still a configuration fault for the access check, which names the token setting to fix", async () => {
    github.inject({
      target: "api",
      pathIncludes: "/copilot/metrics/reports/enterprise-28-day",
      status: 403,
      times: 1,
      body: refusal,
      headers: { "x-oauth-scopes": "repo" },
    });
    const result = await checkEnterpriseAccess(client(), { enterprise: "contoso", apiUrl: github.url, tokenSetting: "GITHUB_TOKEN" });
    expect(result).toEqual({
      ok: false,
      message:
        'Enterprise "contoso": GitHub refused access to its Copilot usage metrics (403; the token\'s scopes: "repo"). Give the token in GITHUB_TOKEN ' +
        'the scope manage_billing:copilot or read:enterprise (classic token) or the "Enterprise Copilot metrics" read permission, from an enterprise ' +
        'owner or billing manager, and set the "Copilot usage metrics" policy to enabled.',
    });
  });

  it("leaves a rate-limit 403 to Octokit's throttling, as GitHub's own error", async () => {
    github.inject({
      target: "api",
      pathIncludes: "/orgs/contoso-web/repos",
      status: 403,
      times: 1,
      body: { message: "API rate limit exceeded" },
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1" },
    });
    const refused = await organizationRepositories(client(), rateBudget(client(), 20), "contoso-web")
      .next()
      .catch((error: unknown) => error);
    expect(refused).not.toBeInstanceOf(GitHubForbiddenError);
    expect(refused).toMatchObject({ status: 403 });
  });
});
