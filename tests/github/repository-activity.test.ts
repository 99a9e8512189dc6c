import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commits,
  compareCommits,
  ForeignLinkError,
  rateBudget,
  workflowRuns,
  type GitHubClient,
  type RecordPage,
} from "../../src/github/index.js";
import type { NotModifiedPage } from "../../src/github/paginate.js";
import type { ExtraRoute } from "../../src/sandbox/github-server.js";
import { ReportTable, fakeGitHubClient, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import {
  commitLine,
  people,
  repository,
  repositoryRoutes,
  type FakeRepositoryData,
  type FakeWorkflowRun,
} from "../fakes/github-repositories.js";

const shop = { organization: "contoso-web", name: "shop" };

// 2,500 deploy runs, one every 5 minutes from 2026-11-01: more than one `created` query may return.
const runs: FakeWorkflowRun[] = Array.from({ length: 2500 }, (_, index) => {
  const at = new Date(Date.parse("2026-11-01T00:00:00Z") + index * 5 * 60_000).toISOString().replace(".000Z", "Z");
  return {
    id: 10_000 + index,
    workflowId: 7,
    name: "Deploy",
    path: ".github/workflows/deploy.yml",
    headBranch: "main",
    headSha: "s1",
    event: "push",
    status: "completed",
    conclusion: "success",
    createdAt: at,
    updatedAt: at,
  };
});

const history = commitLine("c", 300, "2026-11-01T00:00:00Z", 1, people.alice);

const data: FakeRepositoryData = {
  repositories: [
    repository("contoso-web", "shop", 1, {
      head: "c300",
      commits: history,
      runs,
    }),
  ],
};

// A listing whose next link points at another host: following it would hand the token over.
const foreignLink: ExtraRoute = (_request, response, url) => {
  if (url.pathname !== "/repos/contoso-web/evil/commits") return false;
  response.writeHead(200, { "content-type": "application/json", link: '<http://198.51.100.7/steal?page=2>; rel="next"' }).end("[]");
  return true;
};

describe("GitHub repository listings", () => {
  let github: GitHubServer;
  let client: GitHubClient;
  const fake = repositoryRoutes(data);

  beforeAll(async () => {
    github = await startFakeGitHub(new ReportTable(), { routes: [foreignLink, ...fake.routes] });
    client = fakeGitHubClient(github.url);
  });
  afterAll(async () => {
    await github.close();
  });

  async function collect<T>(
    pages: AsyncGenerator<RecordPage<T> | NotModifiedPage>,
  ): Promise<{ records: T[]; pages: Array<RecordPage<T> | NotModifiedPage> }> {
    const seen: Array<RecordPage<T> | NotModifiedPage> = [];
    const records: T[] = [];
    for await (const page of pages) {
      seen.push(page);
      if (!page.notModified) records.push(...page.records);
    }
    return { records, pages: seen };
  }

  const since = new Date("2026-11-01T00:00:00Z");

  it("follows the link headers page by page and reads every commit once", async () => {
    const before = fake.served.length;
    const { records } = await collect(commits(client, rateBudget(client, 20), shop, since));

    expect(records.map((commit) => commit.sha)).toEqual(history.map((commit) => commit.sha).reverse());
    expect(fake.served.slice(before).map((served) => [served.path, served.query["page"] ?? "1", served.status])).toEqual([
      ["/repos/contoso-web/shop/commits", "1", 200],
      ["/repos/contoso-web/shop/commits", "2", 200],
      ["/repos/contoso-web/shop/commits", "3", 200],
    ]);
    expect(fake.served.at(-1)!.query).toEqual({ since: "2026-11-01T00:00:00Z", per_page: "100", page: "3" });
  });

  it("sends the stored ETag and takes a 304 as nothing changed, without reading further pages", async () => {
    const first = await collect(commits(client, rateBudget(client, 20), shop, since));
    const page = first.pages[0];
    if (page === undefined || page.notModified || page.etag === undefined) throw new Error("the first page carried no ETag");
    const before = fake.served.length;

    const again = await collect(commits(client, rateBudget(client, 20), shop, since, { value: page.etag, url: page.firstUrl }));

    expect(again.pages).toEqual([{ notModified: true, firstUrl: page.firstUrl }]);
    expect(fake.served.slice(before).map((served) => served.status)).toEqual([304]);
    expect(github.requests.at(-1)!.path).toBe("/repos/contoso-web/shop/commits");
  });

  it("splits workflow-run windows until no query passes GitHub's 1,000-result cap, and misses no run", async () => {
    const before = fake.served.length;
    const { records } = await collect(
      workflowRuns(client, rateBudget(client, 20), shop, new Date("2026-11-01T00:00:00Z"), new Date("2026-11-10T00:00:00Z")),
    );

    expect(new Set(records.map((run) => run.runId)).size).toBe(2500);
    const queries = fake.served.slice(before).filter((served) => served.path.endsWith("/actions/runs"));
    // The open-ended first query finds 2,500: halved at 2026-11-05 12:00; each half (1,297 and 1,203 runs) is
    // halved again; the four quarters (649, 648, 648, 555 runs) are read page by page.
    const windows = [...new Set(queries.map((served) => served.query["created"]))];
    expect(windows).toEqual([
      ">=2026-11-01T00:00:00Z",
      "2026-11-01T00:00:00Z..2026-11-05T12:00:00Z",
      "2026-11-01T00:00:00Z..2026-11-03T06:00:00Z",
      "2026-11-03T06:00:01Z..2026-11-05T12:00:00Z",
      "2026-11-05T12:00:01Z..2026-11-10T00:00:00Z",
      "2026-11-05T12:00:01Z..2026-11-07T18:00:00Z",
      "2026-11-07T18:00:01Z..2026-11-10T00:00:00Z",
    ]);
    const runsIn = (window: string) => {
      const [from, to] = window.split("..").map((end) => Date.parse(end));
      return runs.filter((run) => Date.parse(run.createdAt) >= from! && Date.parse(run.createdAt) <= to!).length;
    };
    expect([windows[2]!, windows[3]!, windows[5]!, windows[6]!].map(runsIn)).toEqual([649, 648, 648, 555]);
    // Only the windows that fit were read past their first page.
    const pagedWindows = new Set(queries.filter((served) => served.query["page"] !== undefined).map((served) => served.query["created"]));
    expect([...pagedWindows].sort()).toEqual([windows[2], windows[3], windows[5], windows[6]].sort());
  });

  it("pages a comparison past GitHub's first 250 commits", async () => {
    const compared = await compareCommits(client, rateBudget(client, 20), shop, "c1", "c300");

    expect(compared).not.toBe("base-missing");
    if (typeof compared === "string") return;
    expect(compared.status).toBe("ahead");
    expect(compared.commits.map((commit) => commit.sha)).toEqual(history.slice(1).map((commit) => commit.sha));
  });

  it("refuses a next link to another host rather than send the token there", async () => {
    await expect(
      collect(commits(client, rateBudget(client, 20), { organization: "contoso-web", name: "evil" }, since)),
    ).rejects.toBeInstanceOf(ForeignLinkError);
    expect(github.requests.some((request) => request.path === "/steal")).toBe(false);
  });
});
