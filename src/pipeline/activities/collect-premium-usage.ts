import type { Settings } from "../../config/index.js";
import type { Pool } from "../../db/index.js";
import { addDays, daysBetween } from "../../days.js";
import {
  premiumUsageDay,
  premiumUsageOfUser,
  rateBudget,
  type GitHubClient,
  type PremiumUsageScope,
  type RateBudget,
} from "../../github/index.js";
import {
  billingDaysToCatchUp,
  billingLogins,
  replacePremiumUsage,
  replaceUserPremiumUsage,
  unresolvedBillingLogins,
  type BillingUsageRead,
} from "../../ingest/index.js";
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
  return daysBetween(firstOfPreviousMonth(today), today);
}

function firstOfPreviousMonth(today: string): string {
  return `${addDays(`${today.slice(0, 8)}01`, -1).slice(0, 8)}01`;
}

/**
 * Copilot billing usage of an enterprise, and of its organizations listed in BILLING_USAGE_ORGS,
 * for every day of the previous and current month: premium requests for days before 2026-06-01,
 * AI credits from then on (one endpoint per day, so no day is counted twice). Then the days from
 * 2026-06-01 an earlier release read from premium_request/usage, once, a month at a time. Then each
 * person's usage of each scope per month, asked by login for everyone seated or using Copilot there
 * in those months. Each scope's days are read in full, then replace the stored ones in one
 * transaction. A scope GitHub answers 404 for has no usage to show (not an error): "unavailable".
 */
export function collectPremiumUsage(deps: PremiumUsageDependencies) {
  return async ({ enterprise, organizations, today, runId }: PremiumUsageInput): Promise<CollectionResult> => {
    const client = deps.github(enterprise);
    const budget = rateBudget(client, deps.settings.RATE_LIMIT_FLOOR_PERCENT);
    const scopes: Array<PremiumUsageScope & { organization: string }> = [
      { scope: "enterprise", enterprise, organization: "" },
      ...organizations
        .filter((org) => deps.settings.BILLING_USAGE_ORGS.includes(org))
        .map((organization) => ({ scope: "organization" as const, organization })),
    ];
    const days = premiumUsageDays(today);
    const firstDay = firstOfPreviousMonth(today);
    const unavailable: string[] = [];
    const warnings: string[] = [];
    let records = 0;
    try {
      const available: typeof scopes = [];
      for (const scope of scopes) {
        const owner = { enterprise, organization: scope.organization };
        const read = await readDays(client, budget, scope, days);
        if (read.length === 0) {
          unavailable.push(scope.scope === "enterprise" ? enterprise : `${enterprise}/${scope.organization}`);
          continue;
        }
        available.push(scope);
        records += await replacePremiumUsage(deps.pool, owner, read, new Date());
        // A month at a time, so a run stopped by the rate budget keeps the months it caught up.
        for (const month of byMonth(await billingDaysToCatchUp(deps.pool, owner, firstDay))) {
          const missed = await readDays(client, budget, scope, month);
          if (missed.length > 0) records += await replacePremiumUsage(deps.pool, owner, missed, new Date());
        }
      }
      for (const scope of available) records += await collectUsageByPerson(deps.pool, client, budget, scope, enterprise, days);
      if (available.length > 0) {
        const unresolved = await unresolvedBillingLogins(deps.pool, enterprise);
        if (unresolved > 0) {
          warnings.push(
            `${unresolved} billing login(s) of ${enterprise} match no seat or usage record, so they have no user id: ` +
              "premium_requests_by_user shows them with user_resolved false (an empty user under USER_IDENTITY=id or none).",
          );
        }
      }
    } catch (error) {
      if (isStop(error))
        return { ok: true, status: "pending", records, warning: `Copilot billing usage of ${enterprise}: ${error.message}` };
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

/** The days read in order until GitHub answers 404 for one (the scope has no billing usage to show). */
async function readDays(client: GitHubClient, budget: RateBudget, scope: PremiumUsageScope, days: string[]): Promise<BillingUsageRead[]> {
  const read: BillingUsageRead[] = [];
  for (const day of days) {
    const answer = await premiumUsageDay(client, budget, scope, day);
    if (!answer.available) break;
    read.push(answer);
  }
  return read;
}

function byMonth(days: string[]): string[][] {
  const months = new Map<string, string[]>();
  for (const day of days) months.set(day.slice(0, 7), [...(months.get(day.slice(0, 7)) ?? []), day]);
  return [...months.values()];
}

/**
 * Each person's usage of a scope for the months of `days`, one request per person and month
 * (billing answers per day only for everyone at once). Written only when every person of a month
 * was read, so a run stopped by the rate budget keeps the previous month's rows whole.
 */
async function collectUsageByPerson(
  pool: Pool,
  client: GitHubClient,
  budget: RateBudget,
  scope: PremiumUsageScope & { organization: string },
  enterprise: string,
  days: string[],
): Promise<number> {
  const owner = { enterprise, organization: scope.organization };
  const months = [...new Set(days.map((day) => `${day.slice(0, 8)}01`))];
  const [firstMonth] = months;
  if (firstMonth === undefined) return 0;
  const logins = await billingLogins(pool, owner, firstMonth);
  const read: Array<BillingUsageRead & { login: string }> = [];
  for (const month of months) {
    for (const login of logins) {
      const answer = await premiumUsageOfUser(client, budget, scope, month, login);
      if (answer.available) read.push({ ...answer, login });
    }
  }
  return replaceUserPremiumUsage(pool, owner, months, read, new Date());
}
