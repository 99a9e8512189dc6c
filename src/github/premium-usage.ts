import { RequestError } from "@octokit/request-error";
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { getJson, pageUrl } from "./paginate.js";
import type { RateBudget } from "./rate-budget.js";

// Billing usage (premium_request/usage and ai_credit/usage share this shape in GitHub's OpenAPI
// description): every usageItems field is required. Quantities are fractional for AI credits.
const usageItem = z.object({
  product: z.string(),
  sku: z.string(),
  model: z.string(),
  unitType: z.string(),
  pricePerUnit: z.number(),
  grossQuantity: z.number(),
  grossAmount: z.number(),
  discountQuantity: z.number(),
  discountAmount: z.number(),
  netQuantity: z.number(),
  netAmount: z.number(),
});
const usageAnswer = z.object({ usageItems: z.array(usageItem) });
export type PremiumUsageItem = z.infer<typeof usageItem>;

export type PremiumUsageScope = { scope: "enterprise"; enterprise: string } | { scope: "organization"; organization: string };

/** `requests` (premium requests) before 2026-06-01, `ai_credits` from that day: the unit of the figures. */
export type BillingUnit = "requests" | "ai_credits";

/**
 * Copilot billing moved from premium requests to AI credits on 2026-06-01 (GitHub's announcement,
 * community discussion #192948): a day is read from exactly one endpoint, so no day is counted in both.
 */
const aiCreditsFirstDay = "2026-06-01";

function billingUnitOf(day: string): BillingUnit {
  return day < aiCreditsFirstDay ? "requests" : "ai_credits";
}

export type PremiumUsageDay = { available: true; day: string; unit: BillingUnit; items: PremiumUsageItem[] } | { available: false };

/** GitHub's answer for billing usage did not have the documented shape. */
class PremiumUsageResponseError extends Error {
  override readonly name = "PremiumUsageResponseError" as const;
  constructor(
    readonly owner: string,
    readonly period: string,
    problem: string,
  ) {
    super(`GitHub's Copilot billing usage of ${owner} for ${period} has an unexpected shape: ${problem}.`);
  }
}

function usagePath(owner: PremiumUsageScope, unit: BillingUnit): string {
  const endpoint = unit === "requests" ? "premium_request" : "ai_credit";
  return owner.scope === "enterprise"
    ? `/enterprises/${encodeURIComponent(owner.enterprise)}/settings/billing/${endpoint}/usage`
    : `/organizations/${encodeURIComponent(owner.organization)}/settings/billing/${endpoint}/usage`;
}

async function readUsage(
  client: GitHubClient,
  budget: RateBudget,
  owner: PremiumUsageScope,
  unit: BillingUnit,
  query: Record<string, string | number | undefined>,
  period: string,
): Promise<PremiumUsageItem[] | undefined> {
  const name = owner.scope === "enterprise" ? owner.enterprise : owner.organization;
  const url = pageUrl(usagePath(owner, unit), query);
  let data: unknown;
  try {
    ({ data } = await getJson(client, url, budget));
  } catch (error) {
    if (error instanceof RequestError && error.status === 404) return undefined;
    // A 403 arrives already explained by the client (GitHubForbiddenError names the permission).
    throw error;
  }
  const parsed = usageAnswer.safeParse(data);
  if (!parsed.success) throw new PremiumUsageResponseError(name, period, z.prettifyError(parsed.error));
  return parsed.data.usageItems;
}

/**
 * One day of Copilot billing usage for all users, from the endpoint of that day's unit. 404 means
 * the owner has no such usage to show (an enterprise the token cannot see, or billing not on the
 * enhanced platform): `available: false`, not an error.
 */
export async function premiumUsageDay(
  client: GitHubClient,
  budget: RateBudget,
  owner: PremiumUsageScope,
  day: string,
): Promise<PremiumUsageDay> {
  const [year, month, date] = day.split("-").map(Number);
  const unit = billingUnitOf(day);
  const items = await readUsage(client, budget, owner, unit, { year, month, day: date }, day);
  return items === undefined ? { available: false } : { available: true, day, unit, items };
}

/**
 * One person's Copilot billing usage of an enterprise or organization for a whole month (`month` is
 * its first day). The answers carry no user field we rely on: the person is the `user` asked for,
 * by login, the only name billing knows. A month lies wholly before or after the switch to AI
 * credits (it fell on a 1st).
 */
export async function premiumUsageOfUser(
  client: GitHubClient,
  budget: RateBudget,
  owner: PremiumUsageScope,
  month: string,
  login: string,
): Promise<PremiumUsageDay> {
  const [year, monthNumber] = month.split("-").map(Number);
  const unit = billingUnitOf(month);
  const items = await readUsage(client, budget, owner, unit, { year, month: monthNumber, user: login }, month.slice(0, 7));
  return items === undefined ? { available: false } : { available: true, day: month, unit, items };
}
