import { inTransaction, sqlFile, type Pool } from "../db/index.js";
import type { BillingUnit, PremiumUsageItem } from "../github/index.js";

const replaceSql = sqlFile(import.meta.url, "replace-premium-usage.sql");
const loginsSql = sqlFile(import.meta.url, "billing-logins.sql");
const unresolvedSql = sqlFile(import.meta.url, "unresolved-billing-logins.sql");
const catchUpSql = sqlFile(import.meta.url, "billing-catch-up-days.sql");
const deleteAllUsersSql = sqlFile(import.meta.url, "delete-all-users-usage.sql");
const deletePerPersonSql = sqlFile(import.meta.url, "delete-per-person-usage.sql");
const recordAiCreditDaysSql = sqlFile(import.meta.url, "record-ai-credit-days.sql");

export interface BillingUsageRead {
  day: string;
  unit: BillingUnit;
  items: PremiumUsageItem[];
}

/**
 * Replaces the all-users billing usage of one scope (organization '' for the enterprise) for
 * exactly the days given, in one transaction: a day GitHub now reports empty loses its old rows too.
 * The per-person rows (user_login set) are left alone. The days read in AI credits are recorded as
 * read from ai_credit/usage in the same transaction (billingDaysToCatchUp).
 */
export async function replacePremiumUsage(
  pool: Pool,
  scope: { enterprise: string; organization: string },
  days: BillingUsageRead[],
  fetchedAt: Date,
): Promise<number> {
  const rows = days.flatMap(({ day, unit, items }) => items.map((item) => ({ day, login: "", unit, period: "day", ...item })));
  return inTransaction(pool, async (client) => {
    await client.query(deleteAllUsersSql, [scope.enterprise, scope.organization, days.map(({ day }) => day)]);
    const inserted = await client.query(replaceSql, [scope.enterprise, scope.organization, fetchedAt, JSON.stringify(rows)]);
    const aiCreditDays = days.filter(({ unit }) => unit === "ai_credits").map(({ day }) => day);
    await client.query(recordAiCreditDaysSql, [scope.enterprise, scope.organization, aiCreditDays, fetchedAt]);
    return inserted.rowCount ?? 0;
  });
}

/**
 * The days from 2026-06-01 up to `before` (exclusive) that the scope must read once more from
 * ai_credit/usage: an earlier release read them from premium_request/usage. Empty for a new
 * installation, and once the days were read.
 */
export async function billingDaysToCatchUp(
  pool: Pool,
  scope: { enterprise: string; organization: string },
  before: string,
): Promise<string[]> {
  const result = await pool.query<{ day: string }>(catchUpSql, [scope.enterprise, scope.organization, before]);
  return result.rows.map((row) => row.day);
}

/**
 * Replaces the per-person billing usage of one scope (organization '' for the enterprise) for the
 * months given (each the month's first day), in one transaction: a person no longer asked about, or
 * with no usage now, loses the month's old rows.
 */
export async function replaceUserPremiumUsage(
  pool: Pool,
  scope: { enterprise: string; organization: string },
  months: string[],
  read: Array<BillingUsageRead & { login: string }>,
  fetchedAt: Date,
): Promise<number> {
  const rows = read.flatMap(({ day, unit, login, items }) => items.map((item) => ({ day, login, unit, period: "month", ...item })));
  return inTransaction(pool, async (client) => {
    await client.query(deletePerPersonSql, [scope.enterprise, scope.organization, months]);
    const inserted = await client.query(replaceSql, [scope.enterprise, scope.organization, fetchedAt, JSON.stringify(rows)]);
    return inserted.rowCount ?? 0;
  });
}

/**
 * The logins of the people seated in, or using Copilot in, the scope since `since` (organization ''
 * for the whole enterprise).
 */
export async function billingLogins(pool: Pool, scope: { enterprise: string; organization: string }, since: string): Promise<string[]> {
  const result = await pool.query<{ user_login: string }>(loginsSql, [scope.enterprise, since, scope.organization]);
  return result.rows.map((row) => row.user_login);
}

/** How many logins of the enterprise's per-person billing rows (its organizations' included) resolve to no user id. */
export async function unresolvedBillingLogins(pool: Pool, enterprise: string): Promise<number> {
  const result = await pool.query<{ unresolved: number }>(unresolvedSql, [enterprise]);
  return result.rows[0]?.unresolved ?? 0;
}
