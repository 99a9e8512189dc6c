import { copyText, inTransaction, sqlFile, type Pool, type PoolClient } from "../db/index.js";
import { reportCopyText, type ReportFile } from "./report-rows.js";
import { dailyColumns, repositoryColumns, teamColumns, userColumns } from "./usage-rows.js";

const stagingSql = sqlFile(import.meta.url, "usage-staging.sql");

/** Per level: its staging table and columns, the tables it replaces, and the merge that fills them. */
const levels = {
  aggregate: { staging: "stage_usage_daily", columns: dailyColumns, tables: ["copilot_usage_daily", "copilot_usage_breakdown", "copilot_adoption_phase_daily", "copilot_review_comment_types_daily"], merges: [sqlFile(import.meta.url, "merge-usage-daily.sql"), sqlFile(import.meta.url, "merge-usage-breakdown.sql"), sqlFile(import.meta.url, "merge-usage-phases.sql"), sqlFile(import.meta.url, "merge-usage-comment-types.sql")], withSource: [true, false, false, false] },
  users: { staging: "stage_user_daily", columns: userColumns, tables: ["copilot_user_daily"], merges: [sqlFile(import.meta.url, "merge-user-daily.sql")], withSource: [true] },
  teams: { staging: "stage_user_teams", columns: teamColumns, tables: ["copilot_user_teams"], merges: [sqlFile(import.meta.url, "merge-user-teams.sql")], withSource: [false] },
  repos: { staging: "stage_repo_daily", columns: repositoryColumns, tables: ["copilot_repo_daily"], merges: [sqlFile(import.meta.url, "merge-repo-daily.sql")], withSource: [false] },
} as const;

/** The rows one report unit replaces: (scope, days) of one level. */
export interface ReplacementTarget {
  enterprise: string;
  scope: "enterprise" | "organization";
  organization: string;
  level: "aggregate" | "users" | "teams" | "repos";
  sourceReport: string;
  firstDay: string;
  lastDay: string;
  /** Files of the report: a single users file is copied straight into its table. */
  fileCount: number;
  /** Stage and combine even a single file (after a file repeated a user). */
  forceStaging?: boolean;
}

export type StageFile = (file: ReportFile) => Promise<void>;

/** A single users file named the same user twice on one day: its rows must be combined instead. */
export class RepeatedUserError extends Error {
  override readonly name = "RepeatedUserError";
  constructor(cause: unknown) {
    super("A users report file lists the same user twice for one day; its rows are combined on the next attempt.", { cause });
  }
}

// Staging-only columns of stage_user_daily; the rest are copilot_user_daily's own.
const stagingOnly = new Set(["primary_ide_activity", "ide_sampled_at", "file_index"]);
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
export async function replaceReportDays(pool: Pool, target: ReplacementTarget, stageFiles: (stage: StageFile) => Promise<void>): Promise<number> {
  try {
    return await inTransaction(pool, (client) =>
      target.level === "users" && target.fileCount === 1 && target.forceStaging !== true
        ? copyUsersDirectly(client, target, stageFiles)
        : stageAndMerge(client, target, stageFiles),
    );
  } catch (error) {
    throw (error as { code?: unknown }).code === "23505" ? new RepeatedUserError(error) : error;
  }
}

async function stageAndMerge(client: PoolClient, target: ReplacementTarget, stageFiles: (stage: StageFile) => Promise<void>): Promise<number> {
  const level = levels[target.level];
  await client.query(stagingSql);
  await stageFiles((file) => copyText(client, level.staging, level.columns, reportCopyText(file, { constant: [] })));
  const scopeKey = [target.enterprise, target.scope, target.organization];
  for (const table of level.tables) {
    await client.query(`delete from ${table} ${inScopeAndDays}`, [...scopeKey, target.firstDay, target.lastDay]);
  }
  let written = 0;
  for (const [index, merge] of level.merges.entries()) {
    const inserted = await client.query(merge, level.withSource[index] === true ? [...scopeKey, target.sourceReport] : scopeKey);
    // The first merge fills the level's main table: its rows are the unit's count.
    if (index === 0) written = inserted.rowCount ?? 0;
  }
  return written;
}

async function copyUsersDirectly(client: PoolClient, target: ReplacementTarget, stageFiles: (stage: StageFile) => Promise<void>): Promise<number> {
  await client.query(`delete from copilot_user_daily ${inScopeAndDays}`, [target.enterprise, target.scope, target.organization, target.firstDay, target.lastDay]);
  const constant = [target.enterprise, target.scope, target.organization, target.sourceReport];
  let written = 0;
  await stageFiles((file) =>
    copyText(client, "copilot_user_daily", directUserColumns, reportCopyText(
      { ...file, onRecords: (count) => { written += count; file.onRecords(count); } },
      { constant, pick: directUserIndexes },
    )),
  );
  return written;
}
