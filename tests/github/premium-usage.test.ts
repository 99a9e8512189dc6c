import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import type { GitHubClient, PremiumUsageItem } from "../../src/github/index.js";
import { collectPremiumUsage, premiumUsageDays } from "../../src/pipeline/activities/collect-premium-usage.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { ReportTable, fakeGitHubClient, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { repositoryRoutes, type FakeRepositoryData } from "../fakes/github-repositories.js";

const item = (model: string, quantity: number, extra: Partial<PremiumUsageItem> = {}): PremiumUsageItem => ({
  product: "Copilot",
  sku: "Copilot Premium Request",
  model,
  unitType: "requests",
  pricePerUnit: 0.04,
  grossQuantity: quantity,
  grossAmount: quantity * 0.04,
  discountQuantity: 0,
  discountAmount: 0,
  netQuantity: quantity,
  netAmount: quantity * 0.04,
  ...extra,
});

// What GitHub reports; a test revises it between runs, as GitHub does after the fact.
const usage = new Map<string, PremiumUsageItem[]>();
const data: FakeRepositoryData = {
  repositories: [],
  premiumUsage: (scope, owner, day) => usage.get(`${scope}/${owner}/${day}`),
};

describe("premium request usage", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  let client: GitHubClient;
  const fake = repositoryRoutes(data);
  const activity = (env: Record<string, string> = {}) =>
    collectPremiumUsage({ pool: database.pool, settings: parseSettings(env), github: () => client });

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(new ReportTable(), { routes: fake.routes });
    client = fakeGitHubClient(github.url, { retries: 0 });
    for (const day of premiumUsageDays("2026-11-12")) usage.set(`enterprise/contoso/${day}`, [item("GPT-5", 10)]);
    // Two cost centers report the same model on one day: one row, their sums.
    usage.set("enterprise/contoso/2026-11-10", [item("GPT-5", 10, { discountQuantity: 2, discountAmount: 0.08, netQuantity: 8, netAmount: 0.32 }), item("GPT-5", 5), item("Claude Sonnet 4", 3)]);
    // The organization used premium requests on one day; a day without usage is an empty list.
    for (const day of premiumUsageDays("2026-11-12")) usage.set(`organization/contoso-web/${day}`, []);
    usage.set("organization/contoso-web/2026-11-10", [item("GPT-5", 4)]);
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  it("re-reads every day of the previous and the current month, and a revised day replaces its rows instead of adding to them", async () => {
    const before = fake.served.length;
    const first = await activity()({ runId: "r1", enterprise: "contoso", organizations: ["contoso-web"], today: "2026-11-12" });

    expect(first).toEqual({ ok: true, status: "ok", records: 44 });
    const asked = fake.served.slice(before);
    expect(asked).toHaveLength(43);
    expect(asked[0]).toEqual({ path: "/enterprises/contoso/settings/billing/premium_request/usage", query: { year: "2026", month: "10", day: "1" }, status: 200 });
    expect(asked.at(-1)!.query).toEqual({ year: "2026", month: "11", day: "12" });
    const tenth = await database.pool.query(
      `select organization, model, gross_quantity::float8, discount_quantity::float8, net_quantity::float8, net_amount::float8
       from copilot_premium_usage where day = '2026-11-10' order by model`,
    );
    expect(tenth.rows).toEqual([
      { organization: "", model: "Claude Sonnet 4", gross_quantity: 3, discount_quantity: 0, net_quantity: 3, net_amount: 0.12 },
      { organization: "", model: "GPT-5", gross_quantity: 15, discount_quantity: 2, net_quantity: 13, net_amount: 0.52 },
    ]);

    usage.set("enterprise/contoso/2026-11-10", [item("GPT-5", 20)]);
    await activity()({ runId: "r2", enterprise: "contoso", organizations: ["contoso-web"], today: "2026-11-12" });

    const revised = await database.pool.query("select model, gross_quantity::float8 from copilot_premium_usage where day = '2026-11-10'");
    expect(revised.rows).toEqual([{ model: "GPT-5", gross_quantity: 20 }]);
    const totals = await database.pool.query("select count(*)::int as rows, sum(gross_quantity)::float8 as requests from copilot_premium_usage");
    expect(totals.rows[0]).toEqual({ rows: 43, requests: 42 * 10 + 20 });
  });

  it("reads the organizations listed in PREMIUM_USAGE_ORGS too, and calls a scope GitHub answers 404 for unavailable, not failed", async () => {
    const result = await activity({ PREMIUM_USAGE_ORGS: "contoso-web,contoso-data" })({
      runId: "r3",
      enterprise: "contoso",
      organizations: ["contoso-web", "contoso-data"],
      today: "2026-11-12",
    });

    // contoso-data answers 404: the rest is collected, with a warning.
    expect(result).toEqual({
      ok: true,
      status: "ok",
      records: 43 + 1,
      warning:
        "GitHub has no premium request usage for contoso/contoso-data (404): the enterprise or organization is not on the enhanced billing platform, or the token cannot see it.",
    });
    const web = await database.pool.query("select day::text, model, gross_quantity::float8 from copilot_premium_usage where organization = 'contoso-web'");
    expect(web.rows).toEqual([{ day: "2026-11-10", model: "GPT-5", gross_quantity: 4 }]);

    const nowhere = await activity()({ runId: "r4", enterprise: "fabrikam", organizations: [], today: "2026-11-12" });
    expect(nowhere).toEqual({
      ok: true,
      status: "unavailable",
      records: 0,
      warning:
        "GitHub has no premium request usage for fabrikam (404): the enterprise or organization is not on the enhanced billing platform, or the token cannot see it.",
    });
  });

  it("fails with what to fix when the token may not read billing (403)", async () => {
    github.inject({ target: "api", pathIncludes: "premium_request", status: 403, times: 1, body: { message: "Resource not accessible by personal access token" } });

    const result = await activity()({ runId: "r5", enterprise: "contoso", organizations: [], today: "2026-11-12" });

    expect(result).toMatchObject({ ok: false, error: { errorClass: "PremiumUsageForbiddenError" } });
    if (result.ok) return;
    expect(result.error.message).toContain("must be an enterprise owner or billing manager");
  });
});
