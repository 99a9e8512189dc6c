import { copyRows, sqlFile, type CopyValue, type Pool } from "../db/index.js";
import { dailyColumns, userColumns } from "./usage-rows.js";

const stagingSql = sqlFile(import.meta.url, "usage-staging.sql");
const mergeDailySql = sqlFile(import.meta.url, "merge-usage-daily.sql");
const mergeBreakdownSql = sqlFile(import.meta.url, "merge-usage-breakdown.sql");
const mergeUserDailySql = sqlFile(import.meta.url, "merge-user-daily.sql");

/** The rows one report unit replaces: (scope, days) of one level. */
export interface ReplacementTarget {
  enterprise: string;
  scope: "enterprise" | "organization";
  organization: string;
  level: "aggregate" | "users";
  sourceReport: string;
  firstDay: string;
  lastDay: string;
}

export type StageRows = (rows: AsyncIterable<readonly CopyValue[]>) => Promise<void>;

/**
 * Replaces the target's days in one transaction: every file is COPYed into a staging table through
 * `stageFiles`, then the days are deleted and inserted from the combined staging rows. If anything
 * fails (a cut download, a malformed line) the transaction rolls back and the old rows stay.
 * Returns the number of rows written to the main table of the level.
 */
export async function replaceReportDays(pool: Pool, target: ReplacementTarget, stageFiles: (stage: StageRows) => Promise<void>): Promise<number> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query("begin");
    await client.query(stagingSql);
    const [stagingTable, columns] = target.level === "aggregate" ? ["stage_usage_daily", dailyColumns] : ["stage_user_daily", userColumns];
    await stageFiles((rows) => copyRows(client, stagingTable, columns, rows));
    const scopeKey = [target.enterprise, target.scope, target.organization];
    const days = [...scopeKey, target.firstDay, target.lastDay];
    const inScopeAndDays = "where enterprise = $1 and scope = $2 and organization = $3 and day between $4 and $5";
    let written: number;
    if (target.level === "aggregate") {
      await client.query(`delete from copilot_usage_daily ${inScopeAndDays}`, days);
      await client.query(`delete from copilot_usage_breakdown ${inScopeAndDays}`, days);
      written = (await client.query(mergeDailySql, [...scopeKey, target.sourceReport])).rowCount ?? 0;
      await client.query(mergeBreakdownSql, scopeKey);
    } else {
      await client.query(`delete from copilot_user_daily ${inScopeAndDays}`, days);
      written = (await client.query(mergeUserDailySql, [...scopeKey, target.sourceReport])).rowCount ?? 0;
    }
    await client.query("commit");
    return written;
  } catch (error) {
    failed = true;
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    // A connection that failed mid-COPY is not trusted again.
    client.release(failed);
  }
}
