import { copyRows, sqlFile, type CopyValue, type Pool, type PoolClient } from "../db/index.js";
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
  /** Files of the report: a single users file is copied straight into its table. */
  fileCount: number;
  /** Stage and combine even a single file (after a file repeated a user). */
  forceStaging?: boolean;
}

export type StageRows = (rows: AsyncIterable<readonly CopyValue[]>) => Promise<void>;

/** A single users file named the same user twice on one day: its rows must be combined instead. */
export class RepeatedUserError extends Error {
  override readonly name = "RepeatedUserError";
  constructor(cause: unknown) {
    super("A users report file lists the same user twice for one day; its rows are combined on the next attempt.", { cause });
  }
}

// Staging-only columns of stage_user_daily; the rest are copilot_user_daily's own.
const stagingOnly = new Set(["primary_ide_activity", "ide_sampled_at", "cli_sampled_at", "file_index"]);
const directUserColumns = ["enterprise", "scope", "organization", "source_report", ...userColumns.filter((column) => !stagingOnly.has(column))];
const directUserIndexes = userColumns.flatMap((column, index) => (stagingOnly.has(column) ? [] : [index]));
const inScopeAndDays = "where enterprise = $1 and scope = $2 and organization = $3 and day between $4 and $5";

/**
 * Replaces the target's days in one transaction. Every file is COPYed into a staging table through
 * `stageFiles`, then the days are deleted and inserted from the staging rows combined per natural
 * key. A lone users file, the common case and the largest volume, goes straight into its table with
 * COPY after the delete: no second pass over the rows. If anything fails (a cut download, a
 * malformed line) the transaction rolls back and the old rows stay.
 * Returns the number of rows written to the main table of the level.
 */
export async function replaceReportDays(pool: Pool, target: ReplacementTarget, stageFiles: (stage: StageRows) => Promise<void>): Promise<number> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query("begin");
    const written =
      target.level === "users" && target.fileCount === 1 && target.forceStaging !== true
        ? await copyUsersDirectly(client, target, stageFiles)
        : await stageAndMerge(client, target, stageFiles);
    await client.query("commit");
    return written;
  } catch (error) {
    failed = true;
    await client.query("rollback").catch(() => undefined);
    throw (error as { code?: unknown }).code === "23505" ? new RepeatedUserError(error) : error;
  } finally {
    // A connection that failed mid-COPY is not trusted again.
    client.release(failed);
  }
}

async function stageAndMerge(client: PoolClient, target: ReplacementTarget, stageFiles: (stage: StageRows) => Promise<void>): Promise<number> {
  await client.query(stagingSql);
  const [stagingTable, columns] = target.level === "aggregate" ? ["stage_usage_daily", dailyColumns] : ["stage_user_daily", userColumns];
  await stageFiles((rows) => copyRows(client, stagingTable, columns, rows));
  const scopeKey = [target.enterprise, target.scope, target.organization];
  const days = [...scopeKey, target.firstDay, target.lastDay];
  if (target.level === "aggregate") {
    await client.query(`delete from copilot_usage_daily ${inScopeAndDays}`, days);
    await client.query(`delete from copilot_usage_breakdown ${inScopeAndDays}`, days);
    const written = (await client.query(mergeDailySql, [...scopeKey, target.sourceReport])).rowCount ?? 0;
    await client.query(mergeBreakdownSql, scopeKey);
    return written;
  }
  await client.query(`delete from copilot_user_daily ${inScopeAndDays}`, days);
  return (await client.query(mergeUserDailySql, [...scopeKey, target.sourceReport])).rowCount ?? 0;
}

async function copyUsersDirectly(client: PoolClient, target: ReplacementTarget, stageFiles: (stage: StageRows) => Promise<void>): Promise<number> {
  await client.query(`delete from copilot_user_daily ${inScopeAndDays}`, [target.enterprise, target.scope, target.organization, target.firstDay, target.lastDay]);
  const constant = [target.enterprise, target.scope, target.organization, target.sourceReport];
  let written = 0;
  await stageFiles((rows) =>
    copyRows(client, "copilot_user_daily", directUserColumns, (async function* () {
      for await (const row of rows) {
        written++;
        yield [...constant, ...directUserIndexes.map((index) => row[index] ?? null)];
      }
    })()),
  );
  return written;
}
