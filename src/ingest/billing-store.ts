import { inTransaction, sqlFile, type Pool } from "../db/index.js";
import type { BillingUnit, PremiumUsageItem } from "../github/index.js";

const replaceSql = sqlFile(import.meta.url, "replace-premium-usage.sql");
const loginsSql = sqlFile(import.meta.url, "billing-logins.sql");
const unresolvedSql = sqlFile(import.meta.url, "unresolved-billing-logins.sql");

export interface BillingUsageRead {
  day: string;
  unit: BillingUnit;
  items: PremiumUsageItem[];
}

/**
 * Replaces the all-users billing usage of one scope (organization '' for the enterprise) for
 * exactly the days given, in one transaction: a day GitHub now reports empty loses its old rows too.
 * The per-person rows (user_login set) are left alone.
 */
export async function replacePremiumUsage(pool: Pool, scope: { enterprise: string; organization: string }, days: BillingUsageRead[], fetchedAt: Date): Promise<number> {
  const rows = days.flatMap(({ day, unit, items }) => items.map((item) => ({ day, login: "", unit, period: "day", ...item })));
  return inTransaction(pool, async (client) => {
    await client.query(
      "delete from copilot_premium_usage where enterprise = $1 and organization = $2 and user_login = '' and day = any($3::date[])",
      [scope.enterprise, scope.organization, days.map(({ day }) => day)],
    );
    const inserted = await client.query(replaceSql, [scope.enterprise, scope.organization, fetchedAt, JSON.stringify(rows)]);
    return inserted.rowCount ?? 0;
  });
}

/**
 * Replaces the per-person billing usage of an enterprise for the months given (each the month's
 * first day), in one transaction: a person no longer asked about, or with no usage now, loses the
 * month's old rows.
 */
export async function replaceUserPremiumUsage(
  pool: Pool,
  enterprise: string,
  months: string[],
  read: Array<BillingUsageRead & { login: string }>,
  fetchedAt: Date,
): Promise<number> {
  const rows = read.flatMap(({ day, unit, login, items }) => items.map((item) => ({ day, login, unit, period: "month", ...item })));
  return inTransaction(pool, async (client) => {
    await client.query(
      "delete from copilot_premium_usage where enterprise = $1 and organization = '' and user_login <> '' and day = any($2::date[])",
      [enterprise, months],
    );
    const inserted = await client.query(replaceSql, [enterprise, "", fetchedAt, JSON.stringify(rows)]);
    return inserted.rowCount ?? 0;
  });
}

/** The logins of the people seated in, or using Copilot in, the enterprise since `since`. */
export async function billingLogins(pool: Pool, enterprise: string, since: string): Promise<string[]> {
  const result = await pool.query<{ user_login: string }>(loginsSql, [enterprise, since]);
  return result.rows.map((row) => row.user_login);
}

/** How many logins of the enterprise's per-person billing rows resolve to no user id. */
export async function unresolvedBillingLogins(pool: Pool, enterprise: string): Promise<number> {
  const result = await pool.query<{ unresolved: number }>(unresolvedSql, [enterprise]);
  return result.rows[0]?.unresolved ?? 0;
}
