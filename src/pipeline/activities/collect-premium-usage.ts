import type { Settings } from "../../config/index.js";
import type { Pool } from "../../db/index.js";
import { addDays, daysBetween } from "../../days.js";
import { premiumUsageDay, premiumUsageOfUser, rateBudget, type GitHubClient, type PremiumUsageScope, type RateBudget } from "../../github/index.js";
import { billingLogins, replacePremiumUsage, replaceUserPremiumUsage, unresolvedBillingLogins, type BillingUsageRead } from "../../metrics/index.js";
import type { Telemetry } from "../../telemetry/index.js";
import { summarize } from "../error-summary.js";
import type { CollectionResult, PremiumUsageInput } from "../repository-shards.js";
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
 * Copilot billing usage of an enterprise, and of its organizations listed in PREMIUM_USAGE_ORGS,
 * for every day of the previous and current month: premium requests for days before 2026-06-01,
 * AI credits from then on (one endpoint per day, so no day is counted twice). Then each person's
 * usage of the enterprise per month, asked by login for everyone seated or using Copilot in those
 * months. Each scope's days are read in full, then replace the stored ones in one transaction. A
 * scope GitHub answers 404 for has no usage to show (not an error): "unavailable" with a warning.
 */
export function collectPremiumUsage(deps: PremiumUsageDependencies) {
  return async ({ enterprise, organizations, today, runId }: PremiumUsageInput): Promise<CollectionResult> => {
    const client = deps.github(enterprise);
    const budget = rateBudget(client, deps.settings.RATE_LIMIT_FLOOR_PERCENT);
    const scopes: Array<PremiumUsageScope & { organization: string }> = [
      { scope: "enterprise", enterprise, organization: "" },
      ...organizations.filter((org) => deps.settings.PREMIUM_USAGE_ORGS.includes(org)).map((organization) => ({ scope: "organization" as const, organization })),
    ];
    const days = premiumUsageDays(today);
    const unavailable: string[] = [];
    const warnings: string[] = [];
    let records = 0;
    try {
      for (const scope of scopes) {
        const read: BillingUsageRead[] = [];
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
      if (!unavailable.includes(enterprise)) {
        const people = await collectUsageByPerson(deps.pool, client, budget, enterprise, days);
        records += people.records;
        if (people.unresolved > 0) {
          warnings.push(
            `${people.unresolved} billing login(s) of ${enterprise} match no seat or usage record, so they have no user id: ` +
              "premium_requests_by_user shows them with user_resolved false (an empty user under USER_IDENTITY=id or none).",
          );
        }
      }
    } catch (error) {
      if (isStop(error)) return { ok: true, status: "pending", records, warning: `Copilot billing usage of ${enterprise}: ${error.message}` };
      return { ok: false, error: summarize(error) };
    } finally {
      await recordRateLimitPeak(deps, runId, enterprise, client);
    }
    if (unavailable.length > 0) {
      warnings.unshift(
        `GitHub has no Copilot billing usage for ${unavailable.join(", ")} (404): the enterprise or organization is not on the enhanced billing platform, or the token cannot see it.`,
      );
    }
    const status = unavailable.length === scopes.length ? "unavailable" : "ok";
    return warnings.length === 0 ? { ok: true, status, records } : { ok: true, status, records, warning: warnings.join(" ") };
  };
}

/**
 * Each person's usage for the months of `days`, one request per person and month (billing answers
 * per day only for everyone at once). Written only when every person of a month was read, so a
 * run stopped by the rate budget keeps the previous month's rows whole.
 */
async function collectUsageByPerson(
  pool: Pool,
  client: GitHubClient,
  budget: RateBudget,
  enterprise: string,
  days: string[],
): Promise<{ records: number; unresolved: number }> {
  const months = [...new Set(days.map((day) => `${day.slice(0, 8)}01`))];
  const logins = await billingLogins(pool, enterprise, months[0]!);
  const read: Array<BillingUsageRead & { login: string }> = [];
  for (const month of months) {
    for (const login of logins) {
      const answer = await premiumUsageOfUser(client, budget, enterprise, month, login);
      if (answer.available) read.push({ ...answer, login });
    }
  }
  const records = await replaceUserPremiumUsage(pool, enterprise, months, read, new Date());
  return { records, unresolved: await unresolvedBillingLogins(pool, enterprise) };
}
