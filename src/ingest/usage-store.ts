import { copyText, inTransaction, sqlFile, type Pool, type PoolClient } from "../db/index.js";
import { reportCopyText, type ReportFile } from "./report-rows.js";
import { dailyColumns, repositoryColumns, teamColumns, userColumns } from "./usage-rows.js";

const stagingSql = sqlFile(import.meta.url, "usage-staging.sql");
const repeatedUsersSql = sqlFile(import.meta.url, "repeated-users.sql");
const dropVerbatimRepeatsSql = sqlFile(import.meta.url, "drop-verbatim-repeats.sql");

/** Per level: its staging table and columns, the tables it replaces, and the merge that fills them. */
const levels = {
  aggregate: {
    staging: "stage_usage_daily",
    columns: dailyColumns,
    tables: ["copilot_usage_daily", "copilot_usage_breakdown", "copilot_adoption_phase_daily", "copilot_review_comment_types_daily"],
    merges: [
      sqlFile(import.meta.url, "merge-usage-daily.sql"),
      sqlFile(import.meta.url, "merge-usage-breakdown.sql"),
      sqlFile(import.meta.url, "merge-usage-phases.sql"),
      sqlFile(import.meta.url, "merge-usage-comment-types.sql"),
    ],
    withSource: [true, false, false, false],
  },
  users: {
    staging: "stage_user_daily",
    columns: userColumns,
    tables: ["copilot_user_daily"],
    merges: [sqlFile(import.meta.url, "merge-user-daily.sql")],
    withSource: [true],
  },
  teams: {
    staging: "stage_user_teams",
    columns: teamColumns,
    tables: ["copilot_user_teams"],
    merges: [sqlFile(import.meta.url, "merge-user-teams.sql")],
    withSource: [false],
  },
  repos: {
    staging: "stage_repo_daily",
    columns: repositoryColumns,
    tables: ["copilot_repo_daily"],
    merges: [sqlFile(import.meta.url, "merge-repo-daily.sql")],
    withSource: [false],
  },
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
class RepeatedUserError extends Error {
  override readonly name = "RepeatedUserError";
  constructor(cause: unknown) {
    super("A users report file lists the same user twice for one day; its rows are combined on the next attempt.", { cause });
  }
}

/**
 * Runs `replace` (which reads the unit's files afresh and passes `forceStaging` on to
 * replaceReportDays) as usual and, when a lone users file named a user twice on one day, once more
 * with the file staged and its rows combined: the direct copy cannot take such a file, and nothing
 * of the first attempt was kept.
 */
export async function combiningRepeatedUsers<T>(replace: (forceStaging: boolean) => Promise<T>): Promise<T> {
  try {
    return await replace(false);
  } catch (error) {
    if (!(error instanceof RepeatedUserError)) throw error;
    return replace(true);
  }
}

// Staging-only columns of stage_user_daily; the rest are copilot_user_daily's own.
const stagingOnly = new Set(["primary_ide_activity", "ide_sampled_at", "file_index"]);
const directUserColumns = [
  "enterprise",
  "scope",
  "organization",
  "source_report",
  ...userColumns.filter((column) => !stagingOnly.has(column)),
];
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
export async function replaceReportDays(
  pool: Pool,
  target: ReplacementTarget,
  stageFiles: (stage: StageFile) => Promise<void>,
  onWarning: (message: string) => void = () => undefined,
): Promise<number> {
  try {
    return await inTransaction(pool, (client) =>
      target.level === "users" && target.fileCount === 1 && target.forceStaging !== true
        ? copyUsersDirectly(client, target, stageFiles)
        : stageAndMerge(client, target, stageFiles, onWarning),
    );
  } catch (error) {
    throw (error as { code?: unknown }).code === "23505" ? new RepeatedUserError(error) : error;
  }
}

async function stageAndMerge(
  client: PoolClient,
  target: ReplacementTarget,
  stageFiles: (stage: StageFile) => Promise<void>,
  onWarning: (message: string) => void,
): Promise<number> {
  const level = levels[target.level];
  await client.query(stagingSql);
  const fileNames = new Map<number, string>();
  await stageFiles((file) => {
    fileNames.set(file.context.fileIndex, file.context.file);
    return copyText(client, level.staging, level.columns, reportCopyText(file, { constant: [] }));
  });
  if (target.level === "users") await settleRepeatedUsers(client, target, fileNames, onWarning);
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

async function copyUsersDirectly(
  client: PoolClient,
  target: ReplacementTarget,
  stageFiles: (stage: StageFile) => Promise<void>,
): Promise<number> {
  await client.query(`delete from copilot_user_daily ${inScopeAndDays}`, [
    target.enterprise,
    target.scope,
    target.organization,
    target.firstDay,
    target.lastDay,
  ]);
  const constant = [target.enterprise, target.scope, target.organization, target.sourceReport];
  let written = 0;
  await stageFiles((file) =>
    copyText(
      client,
      "copilot_user_daily",
      directUserColumns,
      reportCopyText(
        {
          ...file,
          onRecords: (count) => {
            written += count;
            file.onRecords(count);
          },
        },
        { constant, pick: directUserIndexes },
      ),
    ),
  );
  return written;
}

interface RepeatedUser {
  file_index: number;
  day: string;
  user_id: number;
  user_login: string;
  copies: number;
  versions: number;
}

/**
 * A user that GitHub splits over several files is one person whose lines add up; a user that one
 * file lists twice is not. A verbatim repeat is counted once; lines that differ are combined like
 * a split user, since nothing tells which one is right and dropping either would lose activity.
 * Both are named in the run's warnings.
 */
async function settleRepeatedUsers(
  client: PoolClient,
  target: ReplacementTarget,
  fileNames: Map<number, string>,
  onWarning: (message: string) => void,
): Promise<void> {
  const repeated = (await client.query<RepeatedUser>(repeatedUsersSql)).rows;
  if (repeated.length === 0) return;
  const verbatim = repeated.filter((user) => user.versions === 1);
  const differing = repeated.filter((user) => user.versions > 1);
  if (verbatim.length > 0) await client.query(dropVerbatimRepeatsSql);
  const owner = target.scope === "enterprise" ? target.enterprise : `${target.enterprise}/${target.organization}`;
  const describe = (users: RepeatedUser[]) => {
    const named = users
      .slice(0, 3)
      .map(
        (user) =>
          `${user.user_login} (id ${user.user_id}) on ${user.day}, ${user.copies} lines in ${fileNames.get(user.file_index) ?? `file ${user.file_index + 1}`}`,
      );
    return users.length > 3 ? `${named.join("; ")} and ${users.length - 3} more` : named.join("; ");
  };
  if (verbatim.length > 0) {
    onWarning(
      `${target.sourceReport} for ${owner} repeats ${verbatim.length === 1 ? "a user's line" : `the lines of ${verbatim.length} users`} word for word within one file, counted once: ${describe(verbatim)}.`,
    );
  }
  if (differing.length > 0) {
    onWarning(
      `${target.sourceReport} for ${owner} lists ${differing.length === 1 ? "a user" : `${differing.length} users`} more than once within one file with different figures, added together: ${describe(differing)}.`,
    );
  }
}
