import { inTransaction, sqlFile, type Pool } from "../db/index.js";
import type { PremiumUsageItem } from "../github/index.js";

const replaceSql = sqlFile(import.meta.url, "replace-premium-usage.sql");

/**
 * Replaces the premium usage of one scope (organization '' for the enterprise) for exactly the
 * days given, in one transaction: a day GitHub now reports empty loses its old rows too.
 */
export async function replacePremiumUsage(
  pool: Pool,
  scope: { enterprise: string; organization: string },
  days: Array<{ day: string; items: PremiumUsageItem[] }>,
  fetchedAt: Date,
): Promise<number> {
  const rows = days.flatMap(({ day, items }) => items.map((item) => ({ day, ...item })));
  return inTransaction(pool, async (client) => {
    await client.query("delete from copilot_premium_usage where enterprise = $1 and organization = $2 and day = any($3::date[])", [
      scope.enterprise, scope.organization, days.map(({ day }) => day),
    ]);
    const inserted = await client.query(replaceSql, [scope.enterprise, scope.organization, fetchedAt, JSON.stringify(rows)]);
    return inserted.rowCount ?? 0;
  });
}
