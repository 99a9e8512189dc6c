import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { daysBetween } from "../../src/days.js";
import type { GitHubClient, PremiumUsageItem } from "../../src/github/index.js";
import { collectPremiumUsage, premiumUsageDays } from "../../src/pipeline/activities/collect-premium-usage.js";
import { createFolderSink } from "../../src/publish/folder-sink.js";
import { publishDataset } from "../../src/publish/publish-dataset.js";
import type { UserIdentity } from "../../src/publish/user-identity.js";
import { billingRoutes, type BillingQuery } from "../../src/sandbox/sandbox-billing.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { ReportTable, fakeGitHubClient, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { readCsv } from "../publish/seed.js";

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
const credits = (model: string, quantity: number): PremiumUsageItem =>
  item(model, quantity, {
    sku: "Copilot AI Credits",
    unitType: "ai-credits",
    pricePerUnit: 0.01,
    grossAmount: quantity / 100,
    netAmount: quantity / 100,
  });

// What GitHub reports, by `endpoint/scope/owner/day` for everyone and `endpoint/user/login/month`
// for one person (`endpoint/organization/user/login/month` in an organization); a test revises it
// between runs, as GitHub does after the fact.
const usage = new Map<string, PremiumUsageItem[]>();
const pad = (n: number) => String(n).padStart(2, "0");
const answer = (query: BillingQuery): PremiumUsageItem[] | undefined => {
  const month = `${query.year}-${pad(query.month)}`;
  if (query.user !== undefined) {
    const owner = query.scope === "organization" ? `${query.owner}/` : "";
    return usage.get(`${query.endpoint}/${owner}user/${query.user}/${month}`) ?? [];
  }
  return usage.get(`${query.endpoint}/${query.scope}/${query.owner}/${month}-${pad(query.day ?? 0)}`);
};

describe("Copilot billing usage", () => {
  let database: TestDatabase;
  let github: GitHubServer;
  let client: GitHubClient;
  const fake = billingRoutes(answer);
  const activity = (env: Record<string, string> = {}) =>
    collectPremiumUsage({ pool: database.pool, settings: parseSettings(env), github: () => client });

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(new ReportTable(), { routes: fake.routes });
    client = fakeGitHubClient(github.url, { retries: 0 });
  });
  beforeEach(async () => {
    usage.clear();
    await database.pool.query("truncate copilot_premium_usage, billing_ai_credit_days, copilot_seats, copilot_user_daily");
  });
  afterAll(async () => {
    await github.close();
    await database.drop();
  });

  function setNovember(): void {
    for (const day of premiumUsageDays("2026-11-12")) usage.set(`ai_credit/enterprise/contoso/${day}`, [credits("GPT-5", 10)]);
    // Two cost centers report the same model on one day: one row, their sums.
    usage.set("ai_credit/enterprise/contoso/2026-11-10", [credits("GPT-5", 10.25), credits("GPT-5", 5), credits("Claude Sonnet 4", 3.5)]);
    // The organization used AI credits on one day; a day without usage is an empty list.
    for (const day of premiumUsageDays("2026-11-12")) usage.set(`ai_credit/organization/contoso-web/${day}`, []);
    usage.set("ai_credit/organization/contoso-web/2026-11-10", [credits("GPT-5", 4)]);
  }

  it("re-reads every day of the previous and the current month, and a revised day replaces its rows instead of adding to them", async () => {
    setNovember();
    const before = fake.served.length;
    const first = await activity()({ runId: "r1", enterprise: "contoso", organizations: ["contoso-web"], today: "2026-11-12" });

    expect(first).toEqual({ ok: true, status: "ok", records: 44 });
    const asked = fake.served.slice(before);
    expect(asked).toHaveLength(43);
    expect(asked[0]).toEqual({
      path: "/enterprises/contoso/settings/billing/ai_credit/usage",
      query: { year: "2026", month: "10", day: "1" },
      status: 200,
    });
    expect(asked.at(-1)!.query).toEqual({ year: "2026", month: "11", day: "12" });
    const tenth = await database.pool.query(
      `select organization, model, unit, gross_quantity::float8, net_quantity::float8 from copilot_premium_usage where day = '2026-11-10' order by model`,
    );
    expect(tenth.rows).toEqual([
      { organization: "", model: "Claude Sonnet 4", unit: "ai_credits", gross_quantity: 3.5, net_quantity: 3.5 },
      { organization: "", model: "GPT-5", unit: "ai_credits", gross_quantity: 15.25, net_quantity: 15.25 },
    ]);

    usage.set("ai_credit/enterprise/contoso/2026-11-10", [credits("GPT-5", 20)]);
    await activity()({ runId: "r2", enterprise: "contoso", organizations: ["contoso-web"], today: "2026-11-12" });

    const revised = await database.pool.query("select model, gross_quantity::float8 from copilot_premium_usage where day = '2026-11-10'");
    expect(revised.rows).toEqual([{ model: "GPT-5", gross_quantity: 20 }]);
    const totals = await database.pool.query(
      "select count(*)::int as rows, sum(gross_quantity)::float8 as credits from copilot_premium_usage",
    );
    expect(totals.rows[0]).toEqual({ rows: 43, credits: 42 * 10 + 20 });
  });

  it("reads the organizations listed in BILLING_USAGE_ORGS too, and calls a scope GitHub answers 404 for unavailable, not failed", async () => {
    setNovember();
    const result = await activity({ BILLING_USAGE_ORGS: "contoso-web,contoso-data" })({
      runId: "r3",
      enterprise: "contoso",
      organizations: ["contoso-web", "contoso-data"],
      today: "2026-11-12",
    });

    // contoso-data answers 404: the rest is collected, with a warning.
    expect(result).toEqual({
      ok: true,
      status: "ok",
      records: 44 + 1,
      warning:
        "GitHub has no Copilot billing usage for contoso/contoso-data (404): the enterprise or organization is not on the enhanced billing platform, or the token cannot see it.",
    });
    const web = await database.pool.query(
      "select day::text, model, gross_quantity::float8 from copilot_premium_usage where organization = 'contoso-web'",
    );
    expect(web.rows).toEqual([{ day: "2026-11-10", model: "GPT-5", gross_quantity: 4 }]);

    const nowhere = await activity()({ runId: "r4", enterprise: "fabrikam", organizations: [], today: "2026-11-12" });
    expect(nowhere).toEqual({
      ok: true,
      status: "unavailable",
      records: 0,
      warning:
        "GitHub has no Copilot billing usage for fabrikam (404): the enterprise or organization is not on the enhanced billing platform, or the token cannot see it.",
    });
  });

  it("fails naming the token kinds and permission the endpoint needs when GitHub answers 403, without the query string", async () => {
    setNovember();
    github.inject({
      target: "api",
      pathIncludes: "ai_credit",
      status: 403,
      times: 1,
      body: { message: "Resource not accessible by personal access token" },
    });

    const result = await activity()({ runId: "r5", enterprise: "contoso", organizations: [], today: "2026-11-12" });

    expect(result).toEqual({
      ok: false,
      error: {
        errorClass: "GitHubForbiddenError",
        message:
          "GitHub refused GET /enterprises/{enterprise}/settings/billing/ai_credit/usage for contoso (403): the token's user must be enterprise owner " +
          "or billing manager, or a custom role with read access to enterprise billing; classic PAT: accepted; GitHub names no scope (its billing " +
          "tutorial uses a classic PAT of an enterprise admin); fine-grained PAT: not accepted; GitHub App token: installation on the enterprise " +
          "with the “Enterprise billing” permission (read). (cause: Resource not accessible by personal access token)",
      },
    });
  });

  it("reads premium requests for the days before 2026-06-01 and AI credits from then on, so a month spanning the switch counts no day twice", async () => {
    // GitHub answers both endpoints for every day: each must be asked only for its own days.
    for (const day of premiumUsageDays("2026-06-03")) {
      usage.set(`premium_request/enterprise/contoso/${day}`, [item("GPT-5", 7)]);
      usage.set(`ai_credit/enterprise/contoso/${day}`, [credits("GPT-5", 2.5)]);
    }
    const before = fake.served.length;

    const result = await activity()({ runId: "r6", enterprise: "contoso", organizations: [], today: "2026-06-03" });

    expect(result).toEqual({ ok: true, status: "ok", records: 31 + 3 });
    const asked = fake.served.slice(before).map((served) => `${served.path.split("/")[5]} ${served.query["month"]}-${served.query["day"]}`);
    expect(asked).toEqual([
      ...Array.from({ length: 31 }, (_, index) => `premium_request 5-${index + 1}`),
      "ai_credit 6-1",
      "ai_credit 6-2",
      "ai_credit 6-3",
    ]);
    const out = await mkdtemp(path.join(tmpdir(), "premium-"));
    try {
      await publishDataset(database.pool, createFolderSink(out), "premium_requests", publishOptions({ mode: "login" }));
      const [header, ...rows] = await readCsv(path.join(out, "premium_requests.csv"));
      expect(header).toEqual([
        "enterprise",
        "organization",
        "day",
        "product",
        "sku",
        "model",
        "user",
        "unit_type",
        "price_per_unit",
        "gross_quantity",
        "gross_amount",
        "discount_quantity",
        "discount_amount",
        "net_quantity",
        "net_amount",
        "unit",
      ]);
      expect(rows).toHaveLength(34);
      expect(new Set(rows.map((row) => row[2])).size).toBe(34);
      expect(rows.find((row) => row[2] === "2026-05-31")).toEqual([
        "contoso",
        "",
        "2026-05-31",
        "Copilot",
        "Copilot Premium Request",
        "GPT-5",
        "",
        "requests",
        "0.040000",
        "7.0000",
        "0.2800",
        "0.0000",
        "0.0000",
        "7.0000",
        "0.2800",
        "requests",
      ]);
      expect(rows.find((row) => row[2] === "2026-06-01")).toEqual([
        "contoso",
        "",
        "2026-06-01",
        "Copilot",
        "Copilot AI Credits",
        "GPT-5",
        "",
        "ai-credits",
        "0.010000",
        "2.5000",
        "0.0250",
        "0.0000",
        "0.0000",
        "2.5000",
        "0.0250",
        "ai_credits",
      ]);
      const sumBy = (unit: string) => rows.filter((row) => row[15] === unit).reduce((sum, row) => sum + Number(row[9]), 0);
      expect({ requests: sumBy("requests"), ai_credits: sumBy("ai_credits") }).toEqual({ requests: 31 * 7, ai_credits: 3 * 2.5 });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("publishes the organizations' usage and the rest of the enterprise's, so a plain SUM over premium_requests is the enterprise's figure", async () => {
    setNovember();
    await activity({ BILLING_USAGE_ORGS: "contoso-web" })({
      runId: "r7",
      enterprise: "contoso",
      organizations: ["contoso-web"],
      today: "2026-11-12",
    });
    const out = await mkdtemp(path.join(tmpdir(), "premium-"));
    try {
      await publishDataset(database.pool, createFolderSink(out), "premium_requests", publishOptions({ mode: "login" }));
      const [, ...rows] = await readCsv(path.join(out, "premium_requests.csv"));
      const tenth = rows.filter((row) => row[2] === "2026-11-10").map((row) => [row[1], row[5], row[9]]);
      expect(tenth).toEqual([
        ["", "Claude Sonnet 4", "3.5000"],
        ["", "GPT-5", "11.2500"],
        ["contoso-web", "GPT-5", "4.0000"],
      ]);
      const sum = rows.reduce((total, row) => total + Number(row[9]), 0);
      expect(sum).toBe(42 * 10 + 15.25 + 3.5);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("reads each seated or active person's usage per month into premium_requests_by_user, apart from the totals, whatever USER_IDENTITY", async () => {
    setNovember();
    await database.pool.query(
      `insert into copilot_seats (enterprise, organization, snapshot_day, user_id, user_login, plan_type)
       values ('contoso', 'contoso-web', '2026-11-12', 501, 'Mona', 'business'), ('contoso', 'contoso-web', '2026-11-12', 502, 'hubot', 'business')`,
    );
    usage.set("ai_credit/user/Mona/2026-11", [credits("GPT-5", 12.5)]);
    usage.set("ai_credit/user/Mona/2026-10", [credits("GPT-5", 30)]);
    usage.set("ai_credit/user/hubot/2026-11", [credits("Claude Sonnet 4", 1.25)]);
    // A person's row of March whose login no seat or usage record knows (e.g. tables emptied since).
    await database.pool.query(
      `insert into copilot_premium_usage (enterprise, organization, day, product, sku, model, user_login, unit_type, price_per_unit, gross_quantity,
         gross_amount, discount_quantity, discount_amount, net_quantity, net_amount, fetched_at, unit, period)
       values ('contoso', '', '2026-03-01', 'Copilot', 'Copilot Premium Request', 'GPT-5', 'ghost', 'requests', 0.04, 9, 0.36, 0, 0, 9, 0.36, now(), 'requests', 'month')`,
    );
    const before = fake.served.length;

    const result = await activity()({ runId: "r8", enterprise: "contoso", organizations: [], today: "2026-11-12" });

    expect(result).toEqual({
      ok: true,
      status: "ok",
      records: 44 + 3,
      warning:
        "1 billing login(s) of contoso match no seat or usage record, so they have no user id: premium_requests_by_user shows them with " +
        "user_resolved false (an empty user under USER_IDENTITY=id or none).",
    });
    expect(
      fake.served
        .slice(before)
        .filter((served) => served.query["user"] !== undefined)
        .map((served) => served.query),
    ).toEqual([
      { year: "2026", month: "10", user: "Mona" },
      { year: "2026", month: "10", user: "hubot" },
      { year: "2026", month: "11", user: "Mona" },
      { year: "2026", month: "11", user: "hubot" },
    ]);
    const out = await mkdtemp(path.join(tmpdir(), "premium-"));
    try {
      const publishAs = async (identity: UserIdentity) => {
        await publishDataset(database.pool, createFolderSink(out), "premium_requests_by_user", publishOptions(identity));
        await publishDataset(database.pool, createFolderSink(out), "premium_requests", publishOptions(identity));
        return {
          byUser: await readCsv(path.join(out, "premium_requests_by_user.csv")),
          totals: await readCsv(path.join(out, "premium_requests.csv")),
        };
      };
      const byLogin = await publishAs({ mode: "login" });
      expect(byLogin.byUser).toEqual([
        [
          "enterprise",
          "month",
          "product",
          "sku",
          "model",
          "user",
          "unit_type",
          "price_per_unit",
          "gross_quantity",
          "gross_amount",
          "discount_quantity",
          "discount_amount",
          "net_quantity",
          "net_amount",
          "unit",
          "user_resolved",
          "organization",
        ],
        [
          "contoso",
          "2026-03-01",
          "Copilot",
          "Copilot Premium Request",
          "GPT-5",
          "ghost",
          "requests",
          "0.040000",
          "9.0000",
          "0.3600",
          "0.0000",
          "0.0000",
          "9.0000",
          "0.3600",
          "requests",
          "false",
          "",
        ],
        [
          "contoso",
          "2026-10-01",
          "Copilot",
          "Copilot AI Credits",
          "GPT-5",
          "Mona",
          "ai-credits",
          "0.010000",
          "30.0000",
          "0.3000",
          "0.0000",
          "0.0000",
          "30.0000",
          "0.3000",
          "ai_credits",
          "true",
          "",
        ],
        [
          "contoso",
          "2026-11-01",
          "Copilot",
          "Copilot AI Credits",
          "Claude Sonnet 4",
          "hubot",
          "ai-credits",
          "0.010000",
          "1.2500",
          "0.0125",
          "0.0000",
          "0.0000",
          "1.2500",
          "0.0125",
          "ai_credits",
          "true",
          "",
        ],
        [
          "contoso",
          "2026-11-01",
          "Copilot",
          "Copilot AI Credits",
          "GPT-5",
          "Mona",
          "ai-credits",
          "0.010000",
          "12.5000",
          "0.1250",
          "0.0000",
          "0.0000",
          "12.5000",
          "0.1250",
          "ai_credits",
          "true",
          "",
        ],
      ]);
      // The totals never include a person's row: a plain SUM over either file is right.
      expect(byLogin.totals.slice(1).every((row) => row[6] === "")).toBe(true);
      expect(byLogin.totals.slice(1).reduce((sum, row) => sum + Number(row[9]), 0)).toBe(42 * 10 + 15.25 + 3.5);

      const byId = await publishAs({ mode: "id" });
      expect(byId.byUser.slice(1).map((row) => [row[5], row[15]])).toEqual([
        ["", "false"],
        ["501", "true"],
        ["502", "true"],
        ["501", "true"],
      ]);
      const hashed = await publishAs({ mode: "hashed", key: "test-key" });
      expect(hashed.byUser.slice(1).map((row) => row[5])).toEqual([
        expect.stringMatching(/^u_[0-9a-f]{16}$/),
        expect.stringMatching(/^u_[0-9a-f]{16}$/),
        expect.stringMatching(/^u_[0-9a-f]{16}$/),
        hashed.byUser[2]![5],
      ]);
      const none = await publishAs({ mode: "none" });
      expect(none.byUser.slice(1).map((row) => [row[5], row[8], row[15]])).toEqual([
        ["", "9.0000", "false"],
        ["", "30.0000", "true"],
        ["", "1.2500", "true"],
        ["", "12.5000", "true"],
      ]);
      for (const published of [byId, hashed, none]) expect(published.totals).toEqual(byLogin.totals);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("re-reads once, from ai_credit/usage, the months from June an earlier release read from premium_request/usage, counting no day twice", async () => {
    // An installation that ran before the switch: May and June to September stored from the
    // premium endpoint (unit 'requests'), October and November not yet collected.
    const stored = daysBetween("2026-05-01", "2026-09-30");
    await database.pool.query(
      `insert into copilot_premium_usage (enterprise, organization, day, product, sku, model, user_login, unit_type, price_per_unit, gross_quantity,
         gross_amount, discount_quantity, discount_amount, net_quantity, net_amount, fetched_at, unit, period)
       select 'contoso', '', d, 'Copilot', 'Copilot Premium Request', 'GPT-5', '', 'requests', 0.04, 7, 0.28, 0, 0, 7, 0.28, now(), 'requests', 'day'
       from unnest($1::date[]) d`,
      [stored],
    );
    for (const day of daysBetween("2026-06-01", "2026-11-12")) usage.set(`ai_credit/enterprise/contoso/${day}`, [credits("GPT-5", 2.5)]);
    // A day of August without usage: the premium endpoint's row for it goes, nothing replaces it.
    usage.set("ai_credit/enterprise/contoso/2026-08-15", []);
    const before = fake.served.length;

    const result = await activity()({ runId: "r9", enterprise: "contoso", organizations: [], today: "2026-11-12" });

    const catchUp = daysBetween("2026-06-01", "2026-09-30");
    expect(result).toEqual({ ok: true, status: "ok", records: 43 + catchUp.length - 1 });
    const asked = fake.served
      .slice(before)
      .map(
        (served) =>
          `${served.path.split("/")[5]} ${served.query["year"]}-${pad(Number(served.query["month"]))}-${pad(Number(served.query["day"]))}`,
      );
    // The previous and current month first, then each month caught up, every day asked once.
    expect(asked).toEqual([...daysBetween("2026-10-01", "2026-11-12"), ...catchUp].map((day) => `ai_credit ${day}`));
    const stores = await database.pool.query(
      `select unit, to_char(day, 'YYYY-MM') as month, count(*)::int as days, sum(gross_quantity)::float8 as quantity
       from copilot_premium_usage group by 1, 2 order by 2`,
    );
    expect(stores.rows).toEqual([
      { unit: "requests", month: "2026-05", days: 31, quantity: 31 * 7 },
      { unit: "ai_credits", month: "2026-06", days: 30, quantity: 30 * 2.5 },
      { unit: "ai_credits", month: "2026-07", days: 31, quantity: 31 * 2.5 },
      { unit: "ai_credits", month: "2026-08", days: 30, quantity: 30 * 2.5 },
      { unit: "ai_credits", month: "2026-09", days: 30, quantity: 30 * 2.5 },
      { unit: "ai_credits", month: "2026-10", days: 31, quantity: 31 * 2.5 },
      { unit: "ai_credits", month: "2026-11", days: 12, quantity: 12 * 2.5 },
    ]);

    const out = await mkdtemp(path.join(tmpdir(), "premium-"));
    try {
      await publishDataset(database.pool, createFolderSink(out), "premium_requests", publishOptions({ mode: "login" }));
      const [, ...rows] = await readCsv(path.join(out, "premium_requests.csv"));
      expect(new Set(rows.map((row) => row[2])).size).toBe(rows.length);
      const sumBy = (unit: string) => rows.filter((row) => row[15] === unit).reduce((sum, row) => sum + Number(row[9]), 0);
      expect({ requests: sumBy("requests"), ai_credits: sumBy("ai_credits") }).toEqual({
        requests: 31 * 7,
        ai_credits: (catchUp.length - 1 + 43) * 2.5,
      });
    } finally {
      await rm(out, { recursive: true, force: true });
    }

    // Caught up: the next run reads the previous and the current month only.
    const again = fake.served.length;
    await activity()({ runId: "r10", enterprise: "contoso", organizations: [], today: "2026-11-13" });
    expect(fake.served.length - again).toBe(44);
  });

  it("takes the days the release that first knew AI credits stored in AI credits as read, so only the others are read again", async () => {
    await database.pool.query(
      `insert into copilot_premium_usage (enterprise, organization, day, product, sku, model, user_login, unit_type, price_per_unit, gross_quantity,
         gross_amount, discount_quantity, discount_amount, net_quantity, net_amount, fetched_at, unit, period)
       values ('contoso', '', '2026-05-31', 'Copilot', 'Copilot Premium Request', 'GPT-5', '', 'requests', 0.04, 7, 0.28, 0, 0, 7, 0.28, now(), 'requests', 'day'),
              ('contoso', '', '2026-06-01', 'Copilot', 'Copilot AI Credits', 'GPT-5', '', 'ai-credits', 0.01, 2, 0.02, 0, 0, 2, 0.02, now(), 'ai_credits', 'day'),
              ('contoso', '', '2026-06-02', 'Copilot', 'Copilot Premium Request', 'GPT-5', '', 'requests', 0.04, 7, 0.28, 0, 0, 7, 0.28, now(), 'requests', 'day')`,
    );
    // The migration's own statement, run on the rows an upgraded installation has.
    const migration = await readFile(new URL("../../src/db/migrations/0011-billing-ai-credit-days.sql", import.meta.url), "utf8");
    await database.pool.query(migration.slice(migration.indexOf("insert into billing_ai_credit_days")));
    const recorded = await database.pool.query("select organization, day::text from billing_ai_credit_days");
    expect(recorded.rows).toEqual([{ organization: "", day: "2026-06-01" }]);

    for (const day of daysBetween("2026-06-01", "2026-08-05")) usage.set(`ai_credit/enterprise/contoso/${day}`, [credits("GPT-5", 3)]);
    const before = fake.served.length;
    await activity()({ runId: "r12", enterprise: "contoso", organizations: [], today: "2026-08-05" });
    const asked = fake.served.slice(before).map((served) => `${served.query["month"]}-${served.query["day"]}`);
    expect(asked).toHaveLength(31 + 5 + 29);
    expect(asked.slice(36)).toEqual(
      daysBetween("2026-06-02", "2026-06-30").map((day) => `${Number(day.slice(5, 7))}-${Number(day.slice(8))}`),
    );
    const june = await database.pool.query(
      "select unit, count(*)::int as days, sum(gross_quantity)::float8 as quantity from copilot_premium_usage where day between '2026-06-01' and '2026-06-30' group by unit",
    );
    expect(june.rows).toEqual([{ unit: "ai_credits", days: 30, quantity: 2 + 29 * 3 }]);
  });

  it("reads a new installation's previous and current month only, and asks for no earlier month in later runs", async () => {
    for (const day of daysBetween("2026-06-01", "2026-12-31")) usage.set(`ai_credit/enterprise/contoso/${day}`, [credits("GPT-5", 1)]);
    const asked = async (today: string) => {
      const before = fake.served.length;
      await activity()({ runId: `fresh-${today}`, enterprise: "contoso", organizations: [], today });
      return fake.served.length - before;
    };
    expect(await asked("2026-11-12")).toBe(31 + 12);
    expect(await asked("2026-12-02")).toBe(30 + 2);
    const stored = await database.pool.query("select min(day)::text as first, count(*)::int as days from copilot_premium_usage");
    expect(stored.rows[0]).toEqual({ first: "2026-10-01", days: 31 + 30 + 2 });
  });

  it("reads each person's usage of the organizations in BILLING_USAGE_ORGS too, and publishes it apart from the rest of the enterprise's", async () => {
    setNovember();
    await database.pool.query(
      `insert into copilot_seats (enterprise, organization, snapshot_day, user_id, user_login, plan_type)
       values ('contoso', 'contoso-web', '2026-11-12', 501, 'Mona', 'business'), ('contoso', 'contoso-data', '2026-11-12', 502, 'hubot', 'business')`,
    );
    usage.set("ai_credit/user/Mona/2026-11", [credits("GPT-5", 12.5), credits("Claude Sonnet 4", 2)]);
    usage.set("ai_credit/contoso-web/user/Mona/2026-11", [credits("GPT-5", 10)]);
    usage.set("ai_credit/user/hubot/2026-11", [credits("GPT-5", 1.25)]);
    const before = fake.served.length;

    const result = await activity({ BILLING_USAGE_ORGS: "contoso-web" })({
      runId: "r11",
      enterprise: "contoso",
      organizations: ["contoso-web", "contoso-data"],
      today: "2026-11-12",
    });

    expect(result).toEqual({ ok: true, status: "ok", records: 44 + 1 + 3 + 1 });
    expect(
      fake.served
        .slice(before)
        .filter((served) => served.query["user"] !== undefined)
        .map((served) => `${served.path.split("/")[2]} ${served.query["month"]} ${served.query["user"]}`),
    ).toEqual([
      "contoso 10 Mona",
      "contoso 10 hubot",
      "contoso 11 Mona",
      "contoso 11 hubot",
      // the organization's own people only: hubot is seated in contoso-data
      "contoso-web 10 Mona",
      "contoso-web 11 Mona",
    ]);
    expect(
      fake.served.slice(before).find((served) => served.path.startsWith("/organizations/") && served.query["user"] !== undefined),
    ).toEqual({
      path: "/organizations/contoso-web/settings/billing/ai_credit/usage",
      query: { year: "2026", month: "10", user: "Mona" },
      status: 200,
    });
    const out = await mkdtemp(path.join(tmpdir(), "premium-"));
    try {
      await publishDataset(database.pool, createFolderSink(out), "premium_requests_by_user", publishOptions({ mode: "login" }));
      const [header, ...rows] = await readCsv(path.join(out, "premium_requests_by_user.csv"));
      expect(header!.slice(-3)).toEqual(["unit", "user_resolved", "organization"]);
      expect(rows.map((row) => [row[4], row[5], row[16], row[8]])).toEqual([
        ["Claude Sonnet 4", "Mona", "", "2.0000"],
        // Mona's GPT-5 credits: 10 in contoso-web, the other 2.5 elsewhere in the enterprise
        ["GPT-5", "Mona", "", "2.5000"],
        ["GPT-5", "Mona", "contoso-web", "10.0000"],
        ["GPT-5", "hubot", "", "1.2500"],
      ]);
      // A plain SUM over the file is the enterprise's per-person figure; over one organization, that organization's.
      expect(rows.reduce((sum, row) => sum + Number(row[8]), 0)).toBe(12.5 + 2 + 1.25);
      expect(rows.filter((row) => row[16] === "contoso-web").reduce((sum, row) => sum + Number(row[8]), 0)).toBe(10);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

function publishOptions(identity: UserIdentity) {
  return {
    runId: "run-premium",
    day: "2026-11-12",
    format: { decimalSeparator: "." as const },
    userIdentity: async () => identity,
    retentionMonths: 13,
    snapshots: false,
  };
}
