import type { Settings } from "../../config/index.js";
import type { Pool } from "../../db/index.js";
import { addDays, daysBetween } from "../../days.js";
import { premiumUsageDay, rateBudget, type GitHubClient, type PremiumUsageItem, type PremiumUsageScope } from "../../github/index.js";
import { replacePremiumUsage } from "../../metrics/index.js";
import type { Telemetry } from "../../telemetry/index.js";
import { summarize } from "../error-summary.js";
import { premiumUsageInput, type CollectionResult } from "../repository-shards.js";
import { isStop } from "../repository-sync.js";
import { recordRateLimitPeak } from "./sync-repositories.js";

export interface PremiumUsageDependencies {
  pool: Pool;
  settings: Settings;
  github: (enterprise: string) => GitHubClient;
  telemetry?: Telemetry;
}

/** Every day of the previous month and of this one up to `today`: GitHub revises both. */
export function premiumUsageDays(today: string): string[] {
  const firstOfMonth = `${today.slice(0, 8)}01`;
  const firstOfPrevious = `${addDays(firstOfMonth, -1).slice(0, 8)}01`;
  return daysBetween(firstOfPrevious, today);
}

/**
 * Premium request usage of an enterprise, and of its organizations listed in PREMIUM_USAGE_ORGS,
 * for every day of the previous and current month. Each scope's days are read in full, then
 * replace the stored ones in one transaction. A scope GitHub answers 404 for has no usage to show
 * (not an error): "unavailable" with a warning.
 */
export function collectPremiumUsage(deps: PremiumUsageDependencies) {
  return async (input: unknown): Promise<CollectionResult> => {
    const parsed = premiumUsageInput.safeParse(input);
    if (!parsed.success) return { ok: false, error: { errorClass: "InvalidUnit", message: parsed.error.message } };
    const { enterprise, organizations, today, runId } = parsed.data;
    const client = deps.github(enterprise);
    const budget = rateBudget(client, deps.settings.RATE_LIMIT_FLOOR_PERCENT);
    const scopes: Array<PremiumUsageScope & { organization: string }> = [
      { scope: "enterprise", enterprise, organization: "" },
      ...organizations.filter((org) => deps.settings.PREMIUM_USAGE_ORGS.includes(org)).map((organization) => ({ scope: "organization" as const, organization })),
    ];
    const days = premiumUsageDays(today);
    const unavailable: string[] = [];
    let records = 0;
    try {
      for (const scope of scopes) {
        const read: Array<{ day: string; items: PremiumUsageItem[] }> = [];
        for (const day of days) {
          const answer = await premiumUsageDay(client, budget, scope, day);
          if (!answer.available) break;
          read.push(answer);
        }
        if (read.length === 0) {
          unavailable.push(scope.scope === "enterprise" ? enterprise : `${enterprise}/${scope.organization}`);
          continue;
        }
        records += await replacePremiumUsage(deps.pool, { enterprise, organization: scope.organization }, read, new Date());
      }
    } catch (error) {
      if (isStop(error)) return { ok: true, status: "pending", records, warning: `premium request usage of ${enterprise}: ${error.message}` };
      return { ok: false, error: summarize(error) };
    } finally {
      await recordRateLimitPeak(deps, runId, enterprise, client);
    }
    if (unavailable.length === 0) return { ok: true, status: "ok", records };
    return {
      ok: true,
      status: unavailable.length === scopes.length ? "unavailable" : "ok",
      records,
      warning: `GitHub has no premium request usage for ${unavailable.join(", ")} (404): the enterprise or organization is not on the enhanced billing platform, or the token cannot see it.`,
    };
  };
}
