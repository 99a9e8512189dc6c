import { RequestError } from "@octokit/request-error";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { dayOf } from "../../src/days.js";
import { endpointPermissions, type GitHubClient } from "../../src/github/index.js";
import { startGitHubServer, type GitHubServer } from "../../src/sandbox/github-server.js";
import { sandboxSeatRoute } from "../../src/sandbox/sandbox-adoption.js";
import { sandboxEnterprises, sandboxReports } from "../../src/sandbox/sandbox-data.js";
import { sandboxRepositoryRoutes } from "../../src/sandbox/sandbox-repositories.js";
import { collectPremiumUsage } from "../../src/pipeline/activities/collect-premium-usage.js";
import { ReportTable, fakeGitHubClient, startFakeGitHub } from "../fakes/github-server.js";
import { closedPull, commitLine, people, repository, repositoryRoutes } from "../fakes/github-repositories.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { runCollection } from "../support/run-collection.js";
import { OpenApiDescriptions, type ChangelogRemoval } from "./openapi-description.js";

// Every REST request the collector makes, sent to the sandbox and to the test fakes by running the
// real collection against them, and every answer held to GitHub's OpenAPI description of that
// path, method and status (@octokit/openapi 23.0.2, ghec.json; api.github.com.json only for paths
// ghec.json lacks). A request to a path the description does not know fails. POST /graphql is
// checked against the GraphQL schema elsewhere.

/**
 * Where the description and GitHub's REST breaking-changes changelog for 2026-03-10 disagree (the
 * description still lists, partly as required, fields the version removed): the changelog wins.
 */
const changelog: ChangelogRemoval[] = [
  {
    entry: 'Remove deprecated singular "assignee" field from Issue and Pull Request endpoints',
    field: "assignee",
    routes: ["GET /repos/{owner}/{repo}/issues"],
  },
  {
    entry: "Remove deprecated `has_downloads` property from Repository response",
    field: "has_downloads",
    routes: ["GET /orgs/{org}/repos", "GET /repos/{owner}/{repo}/issues", "GET /repos/{owner}/{repo}/actions/runs"],
  },
  {
    entry: "Remove deprecated `use_squash_pr_title_as_default` property from repo settings endpoints",
    field: "use_squash_pr_title_as_default",
    routes: ["GET /repos/{owner}/{repo}/issues"],
  },
];

/** One request the collector made and what it got back. */
interface Exchange {
  source: "sandbox" | "fakes";
  method: string;
  path: string;
  /** The names of the query parameters asked with. */
  query: string[];
  status: number;
  body: unknown;
}

/** Clients of the server at `url` that record every answer, as the activities' GitHub factory. */
function recordingClients(
  url: string,
  source: Exchange["source"],
  exchanges: Exchange[],
  token: string,
): (enterprise: string) => GitHubClient {
  const clients = new Map<string, GitHubClient>();
  return (enterprise) => {
    let client = clients.get(enterprise);
    if (client === undefined) {
      client = fakeGitHubClient(url, {
        token: { get: async () => token, refresh: async () => token },
        throttleId: `contract-${source}-${enterprise}-${Math.random()}`,
      });
      const record = (method: string, requested: string, status: number, body: unknown) => {
        const asked = new URL(requested, url);
        exchanges.push({ source, method, path: asked.pathname, query: [...new Set(asked.searchParams.keys())], status, body });
      };
      client.octokit.hook.after("request", (response, options) => record(options.method, options.url, response.status, response.data));
      client.octokit.hook.error("request", (error, options) => {
        if (error instanceof RequestError) record(options.method, options.url, error.status, error.response?.data);
        throw error;
      });
      clients.set(enterprise, client);
    }
    return client;
  };
}

describe("the REST contract: every request the collector makes, answered as GitHub's OpenAPI description says", () => {
  const exchanges: Exchange[] = [];
  const descriptions = new OpenApiDescriptions(changelog);
  const opened: Array<{ close(): Promise<void> } | TestDatabase> = [];
  let unresolvedWarnings: string[] = [];

  beforeAll(async () => {
    const now = new Date();
    const today = dayOf(now);
    const sandbox: GitHubServer = await startGitHubServer({
      reports: sandboxReports(today),
      token: "sandbox-token",
      routes: [sandboxSeatRoute(today), ...sandboxRepositoryRoutes(today)],
    });
    opened.push(sandbox);
    const sandboxDatabase = await createTestDatabase();
    opened.push(sandboxDatabase);
    const github = recordingClients(sandbox.url, "sandbox", exchanges, "sandbox-token");
    const run = await runCollection({
      pool: sandboxDatabase.pool,
      githubUrl: sandbox.url,
      now,
      env: { BILLING_USAGE_ORGS: "octo-web" },
      enterprises: sandboxEnterprises.map((enterprise) => ({ slug: enterprise.slug, orgs: [...enterprise.orgs] })),
      dependencies: { github },
    });
    unresolvedWarnings = run.warnings.filter((warning) => warning.includes("billing login"));
    // Premium requests, the unit before 2026-06-01: a run on 2026-06-03 reads May from that endpoint.
    const premium = collectPremiumUsage({
      pool: sandboxDatabase.pool,
      settings: parseSettings({ BILLING_USAGE_ORGS: "octo-web" }),
      github,
    });
    await premium({ enterprise: sandboxEnterprises[0].slug, organizations: ["octo-web"], today: "2026-06-03" });

    // The test fakes: an organization with nothing but what the test gives it, and a small history.
    const fakeDatabase = await createTestDatabase();
    opened.push(fakeDatabase);
    const start = "2026-11-02T09:00:00Z";
    const commits = commitLine("c", 3, start, 60, people.alice);
    const fake = await startFakeGitHub(new ReportTable(), {
      routes: repositoryRoutes({
        repositories: [
          repository("contoso-web", "shop", 11, {
            head: commits.at(-1)!.sha,
            commits,
            pulls: [closedPull(1, "2026-11-03T10:00:00Z")],
            runs: [
              {
                id: 31,
                workflowId: 7,
                name: "CI",
                path: ".github/workflows/ci.yml",
                headBranch: "main",
                headSha: commits.at(-1)!.sha,
                event: "push",
                status: "completed",
                conclusion: "success",
                createdAt: "2026-11-03T11:00:00Z",
                updatedAt: "2026-11-03T11:04:00Z",
              },
            ],
          }),
        ],
      }).routes,
    });
    opened.push(fake);
    await runCollection({
      pool: fakeDatabase.pool,
      githubUrl: fake.url,
      now: new Date("2026-11-05T06:00:00Z"),
      from: "2026-11-03",
      to: "2026-11-03",
      enterprises: [{ slug: "contoso", orgs: ["contoso-web"] }],
      dependencies: { github: recordingClients(fake.url, "fakes", exchanges, "ghp_fakeTokenForTests000000000000000000") },
    });
  }, 240_000);
  afterAll(async () => {
    for (const resource of opened.reverse()) await ("drop" in resource ? resource.drop() : resource.close());
  });

  it("makes only requests to paths and methods the description knows, POST /graphql aside", () => {
    const unknown = exchanges.filter((exchange) => !isGraphql(exchange) && descriptions.find(exchange.method, exchange.path) === undefined);
    expect(unknown.map((exchange) => `${exchange.source}: ${exchange.method} ${exchange.path}`)).toEqual([]);
  });

  it("calls only routes the README's token table lists, so the table names every endpoint a token must reach", () => {
    const listed = new Set(endpointPermissions.map((row) => row.route));
    const called = new Set(
      exchanges
        .filter((exchange) => !isGraphql(exchange))
        .map((exchange) => descriptions.find(exchange.method, exchange.path)?.route ?? "unknown"),
    );
    expect([...called].filter((route) => !listed.has(route)).sort()).toEqual([]);
    expect(unresolvedWarnings).toEqual([]);
  });

  it("asks every route only with query parameters its description lists, and both billing scopes per person with `user`", () => {
    const undocumented = new Set<string>();
    for (const exchange of exchanges.filter((candidate) => !isGraphql(candidate))) {
      const operation = descriptions.find(exchange.method, exchange.path);
      if (operation === undefined) continue;
      const listed = descriptions.queryParameters(operation);
      for (const name of exchange.query) if (!listed.includes(name)) undocumented.add(`${operation.route} ?${name}`);
    }
    expect([...undocumented].sort()).toEqual([]);
    const perPerson = (scope: string) =>
      exchanges.some(
        (exchange) =>
          exchange.path.startsWith(`/${scope}/`) &&
          exchange.path.endsWith("/ai_credit/usage") &&
          exchange.query.includes("user") &&
          exchange.status === 200,
      );
    expect({ enterprises: perPerson("enterprises"), organizations: perPerson("organizations") }).toEqual({
      enterprises: true,
      organizations: true,
    });
  });

  // One test per route of the token table: the collector called it, and every answer conforms.
  for (const { route } of endpointPermissions) {
    it(`${route}: every answer of the sandbox and the fakes conforms`, () => {
      const answers = exchanges.filter((exchange) => descriptions.find(exchange.method, exchange.path)?.route === route);
      expect(answers.length, `the collector never called ${route}`).toBeGreaterThan(0);
      const problems = new Set<string>();
      for (const exchange of answers) {
        const operation = descriptions.find(exchange.method, exchange.path)!;
        for (const problem of descriptions.problems(operation, exchange.status, exchange.body))
          problems.add(`${exchange.source} ${exchange.status}: ${problem}`);
      }
      expect([...problems]).toEqual([]);
    });
  }
});

function isGraphql(exchange: Exchange): boolean {
  return exchange.method === "POST" && exchange.path === "/graphql";
}
