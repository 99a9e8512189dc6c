import { RequestError } from "@octokit/request-error";
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { getJson, pageUrl } from "./paginate.js";
import type { RateBudget } from "./rate-budget.js";

// Premium request usage (reference §3.1): every usageItems field is required by the schema.
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

export type PremiumUsageDay = { available: true; day: string; items: PremiumUsageItem[] } | { available: false };

/** GitHub's answer for premium request usage did not have the documented shape. */
export class PremiumUsageResponseError extends Error {
  override readonly name = "PremiumUsageResponseError" as const;
  constructor(
    readonly owner: string,
    readonly day: string,
    problem: string,
  ) {
    super(`GitHub's premium request usage of ${owner} for ${day} has an unexpected shape: ${problem}.`);
  }
}

/** The token may not read billing: the endpoints need an enterprise admin or billing manager (reference §3.2). */
export class PremiumUsageForbiddenError extends Error {
  override readonly name = "PremiumUsageForbiddenError" as const;
  constructor(readonly owner: string) {
    super(
      `GitHub refused the premium request usage of ${owner} (403): the token's user must be an enterprise owner or billing ` +
        "manager (an organization owner for the organization endpoint), with a classic PAT (fine-grained tokens are not accepted).",
    );
  }
}

/**
 * One day of premium request usage. 404 means the owner has no such usage to show (an enterprise
 * the token cannot see, or billing not on the enhanced platform): `available: false`, not an error.
 */
export async function premiumUsageDay(client: GitHubClient, budget: RateBudget, owner: PremiumUsageScope, day: string): Promise<PremiumUsageDay> {
  const [year, month, date] = day.split("-").map(Number);
  const path =
    owner.scope === "enterprise"
      ? `/enterprises/${encodeURIComponent(owner.enterprise)}/settings/billing/premium_request/usage`
      : `/organizations/${encodeURIComponent(owner.organization)}/settings/billing/premium_request/usage`;
  const name = owner.scope === "enterprise" ? owner.enterprise : owner.organization;
  let data: unknown;
  try {
    ({ data } = await getJson(client, pageUrl(path, { year, month, day: date }), budget));
  } catch (error) {
    if (error instanceof RequestError && error.status === 404) return { available: false };
    if (error instanceof RequestError && error.status === 403) throw new PremiumUsageForbiddenError(name);
    throw error;
  }
  const parsed = usageAnswer.safeParse(data);
  if (!parsed.success) throw new PremiumUsageResponseError(name, day, z.prettifyError(parsed.error));
  return { available: true, day, items: parsed.data.usageItems };
}
