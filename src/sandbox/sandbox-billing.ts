import type { PremiumUsageItem } from "../github/index.js";
import { json, type ExtraRoute } from "./github-server.js";
import type { ServedRequest } from "./repository-routes.js";
import { chance, isActive, members, sandboxEnterprises } from "./sandbox-tenants.js";

// GitHub's Copilot billing usage endpoints: premium_request/usage (the unit until 2026-05-31) and
// ai_credit/usage (from 2026-06-01), for an enterprise and an organization, per day for everyone
// or per month for one `user`. Both answer `{timePeriod, enterprise|organization, user?, usageItems}`.

type BillingEndpoint = "premium_request" | "ai_credit";

export interface BillingQuery {
  endpoint: BillingEndpoint;
  scope: "enterprise" | "organization";
  owner: string;
  year: number;
  month: number;
  /** Absent: the whole month. */
  day?: number;
  user?: string;
}

/** The usage items of a query; undefined answers 404 (no such enterprise or organization). */
export type BillingUsage = (query: BillingQuery) => PremiumUsageItem[] | undefined;

/** The routes over `usage`; `served` lists every answer, for tests that assert what was asked. */
export function billingRoutes(usage: BillingUsage): { routes: ExtraRoute[]; served: ServedRequest[] } {
  const served: ServedRequest[] = [];
  const route: ExtraRoute = (request, response, url) => {
    const [, scopes, encodedOwner, endpoint] =
      /^\/(enterprises|organizations)\/([^/]+)\/settings\/billing\/(premium_request|ai_credit)\/usage$/.exec(url.pathname) ?? [];
    if (request.method !== "GET" || encodedOwner === undefined) return false;
    const q = url.searchParams;
    const scope = scopes === "enterprises" ? "enterprise" : "organization";
    const owner = decodeURIComponent(encodedOwner);
    const day = q.get("day");
    const user = q.get("user");
    const now = new Date();
    const query: BillingQuery = {
      endpoint: endpoint === "premium_request" ? "premium_request" : "ai_credit",
      scope,
      owner,
      year: Number(q.get("year") ?? now.getUTCFullYear()),
      month: Number(q.get("month") ?? now.getUTCMonth() + 1),
      ...(day === null ? {} : { day: Number(day) }),
      ...(user === null ? {} : { user }),
    };
    const items = usage(query);
    const status = items === undefined ? 404 : 200;
    served.push({ path: url.pathname, query: Object.fromEntries(q), status });
    if (items === undefined)
      return (json(response, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" }), true);
    const timePeriod = { year: query.year, month: query.month, ...(query.day === undefined ? {} : { day: query.day }) };
    json(response, 200, { timePeriod, [scope]: owner, ...(query.user === undefined ? {} : { user: query.user }), usageItems: items });
    return true;
  };
  return { routes: [route], served };
}

const sandboxModels = ["GPT-5", "Claude Sonnet 4"] as const;
const switchDay = "2026-06-01";

function isoDay(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function item(endpoint: BillingEndpoint, model: string, gross: number, discount: number): PremiumUsageItem {
  const premium = endpoint === "premium_request";
  const price = premium ? 0.04 : 0.01;
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return {
    product: "Copilot",
    sku: premium ? "Copilot Premium Request" : "Copilot AI Credits",
    model,
    unitType: premium ? "requests" : "ai-credits",
    pricePerUnit: price,
    grossQuantity: gross,
    grossAmount: round(gross * price),
    discountQuantity: discount,
    discountAmount: round(discount * price),
    netQuantity: round(gross - discount),
    netAmount: round((gross - discount) * price),
  };
}

/**
 * The sandbox's usage: a weekday rhythm over two models, whole premium requests until 2026-05-31
 * and fractional AI credits from 2026-06-01 (each endpoint answers an empty list for the other's
 * days, as GitHub does for a day without usage); an organization's share follows its members; per
 * person, by month, the usage of the days they were active (in an organization, its members only,
 * with the organization's share).
 */
const sandboxBillingUsage: BillingUsage = (query) => {
  const enterprise = sandboxEnterprises.find((candidate) =>
    query.scope === "enterprise" ? candidate.slug === query.owner : (candidate.orgs as readonly string[]).includes(query.owner),
  );
  if (enterprise === undefined) return undefined;
  const people = [...new Set(enterprise.orgs.flatMap((org) => members[org] ?? []))];
  const owners = query.scope === "enterprise" ? people : (members[query.owner] ?? []);
  if (query.user !== undefined && !owners.includes(query.user.toLowerCase())) return [];
  const share = query.scope === "enterprise" ? 1 : (members[query.owner] ?? []).length / (people.length + 2);
  const days = query.day === undefined ? Array.from({ length: 31 }, (_, index) => index + 1) : [query.day];
  const inMonth = days
    .map((day) => isoDay(query.year, query.month, day))
    .filter((day) => new Date(`${day}T00:00:00Z`).getUTCMonth() + 1 === query.month);
  const ownDays = inMonth.filter((day) => day < switchDay === (query.endpoint === "premium_request"));
  return sandboxModels.flatMap((model) => {
    let gross = 0;
    let discount = 0;
    for (const day of ownDays) {
      if (query.user !== undefined && !isActive(query.user, day)) continue;
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      const scale = ((weekday === 0 || weekday === 6 ? 0.2 : 1) * share) / (query.user === undefined ? 1 : people.length);
      const base = (40 + chance(`premium:${enterprise.slug}:${day}:${model}:${query.user ?? ""}`) * 160) * scale;
      const quantity = query.endpoint === "premium_request" ? Math.round(base) : Math.round(base * 37.5) / 10;
      gross += quantity;
      discount += Math.min(quantity, query.user === undefined ? 30 * share : 2);
    }
    return ownDays.length === 0 || gross === 0
      ? []
      : [item(query.endpoint, model, Math.round(gross * 10) / 10, Math.round(discount * 10) / 10)];
  });
};

/** The billing endpoints of the sandbox. */
export function sandboxBillingRoutes(): ExtraRoute[] {
  return billingRoutes(sandboxBillingUsage).routes;
}
