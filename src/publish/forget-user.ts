import { randomBytes, randomInt } from "node:crypto";
import { inTransaction, type Pool, type PoolClient } from "../db/index.js";
import type { Dataset } from "./datasets.js";
import { publishManifest, unpublish } from "./publish-manifest.js";
import type { PublishSink } from "./sink.js";
import { hasUserColumn } from "./write-dataset.js";

/**
 * A table that names people. A new table with a login or user id column belongs in userTables;
 * tests/publish/forget-user.test.ts fails until it is.
 */
export interface UserTable {
  table: string;
  /** The GitHub user id column; absent where the table keeps only the login. */
  idColumn?: string;
  loginColumn: string;
}

// Every table here keeps counts over people (active users, seats, team sums, DORA and velocity,
// premium request amounts), so the person is pseudonymised rather than deleted: their login and id
// become a random pseudonym that no key or table links back to them, and the totals stay right.
export const userTables: UserTable[] = [
  { table: "copilot_user_daily", idColumn: "user_id", loginColumn: "user_login" },
  { table: "copilot_user_teams", idColumn: "user_id", loginColumn: "user_login" },
  { table: "copilot_seats", idColumn: "user_id", loginColumn: "user_login" },
  { table: "copilot_premium_usage", loginColumn: "user_login" },
  { table: "pull_requests", idColumn: "author_id", loginColumn: "author_login" },
  { table: "pull_request_reviews", idColumn: "reviewer_id", loginColumn: "reviewer_login" },
  { table: "commits", idColumn: "author_id", loginColumn: "author_login" },
  { table: "velocity_weekly", idColumn: "developer_id", loginColumn: "developer" },
];

export interface ForgetUserResult {
  /** The GitHub user ids found for the login (several when the login changed hands). */
  userIds: number[];
  /** Rows pseudonymised (or, in a dry run, that would be), per table. */
  tables: Array<{ table: string; rows: number }>;
  /** Dated snapshots of datasets with people in them, deleted (or that would be): they cannot be regenerated. */
  snapshots: string[];
}

interface Pseudonym {
  id: number;
  login: string;
}

/**
 * Erases a person for a data-protection request: every user-level table in one transaction, then
 * the archived snapshots of the datasets with people in them (history cannot be rewritten, so they
 * go). The caller republishes those datasets afterwards, which rewrites every partition that named
 * the person. Logins compare case-insensitively, as on GitHub. `dryRun` finds the same rows and
 * snapshots and changes nothing.
 */
export async function forgetUser(
  pool: Pool,
  sink: PublishSink,
  login: string,
  datasets: Dataset[],
  options: { dryRun?: boolean } = {},
): Promise<ForgetUserResult> {
  const dryRun = options.dryRun === true;
  const found = await inTransaction(pool, (client) => (dryRun ? countRows(client, login) : eraseRows(client, login)));
  const manifest = publishManifest(pool, sink.description);
  const snapshots: string[] = [];
  for (const dataset of datasets.filter(hasUserColumn)) {
    for (const snapshot of (await manifest.entries(dataset.name, "snapshot")).keys()) {
      if (!dryRun) await unpublish(sink, manifest, snapshot);
      snapshots.push(snapshot);
    }
  }
  return { ...found, snapshots };
}

/** The user-level tables of this schema (a table comes with the migration that adds it). */
async function existingTables(client: PoolClient): Promise<UserTable[]> {
  const existing = await client.query<{ table: string }>(
    "select table_name as table from information_schema.tables where table_schema = current_schema() and table_name = any($1)",
    [userTables.map((table) => table.table)],
  );
  return userTables.filter((table) => existing.rows.some((row) => row.table === table.table));
}

/** Every GitHub user id any table pairs with the login. */
async function idsOf(client: PoolClient, tables: UserTable[], login: string): Promise<number[]> {
  const ids = new Set<number>();
  for (const table of tables) {
    if (table.idColumn === undefined) continue;
    const found = await client.query<{ id: number }>(
      `select distinct ${quote(table.idColumn)}::bigint as id from ${quote(table.table)} where lower(${quote(table.loginColumn)}) = lower($1)`,
      [login],
    );
    for (const row of found.rows) ids.add(row.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** The rows eraseRows would change: those with one of the ids, or with the login. */
async function countRows(client: PoolClient, login: string): Promise<Omit<ForgetUserResult, "snapshots">> {
  const tables = await existingTables(client);
  const userIds = await idsOf(client, tables, login);
  const counts: ForgetUserResult["tables"] = [];
  for (const table of tables) {
    const byLogin = `lower(${quote(table.loginColumn)}) = lower($1)`;
    const counted = await client.query<{ rows: number }>(
      table.idColumn === undefined
        ? `select count(*)::int as rows from ${quote(table.table)} where ${byLogin}`
        : `select count(*)::int as rows from ${quote(table.table)} where ${quote(table.idColumn)} = any($2::bigint[]) or ${byLogin}`,
      table.idColumn === undefined ? [login] : [login, userIds],
    );
    counts.push({ table: table.table, rows: counted.rows[0]?.rows ?? 0 });
  }
  return { userIds, tables: counts };
}

async function eraseRows(client: PoolClient, login: string): Promise<Omit<ForgetUserResult, "snapshots">> {
  const tables = await existingTables(client);
  const userIds = await idsOf(client, tables, login);
  // One pseudonym per person (per id), the same in every table, so distinct counts stay right.
  const pseudonyms = new Map(userIds.map((id) => [id, newPseudonym()]));
  const loginPseudonym = pseudonyms.get(userIds.at(-1) ?? Number.NaN) ?? newPseudonym();
  const result: Omit<ForgetUserResult, "snapshots"> = { userIds, tables: [] };
  for (const table of tables) {
    const [t, idColumn, loginColumn] = [quote(table.table), table.idColumn && quote(table.idColumn), quote(table.loginColumn)];
    let rows = 0;
    if (idColumn !== undefined) {
      for (const [id, pseudonym] of pseudonyms) {
        const updated = await client.query(`update ${t} set ${idColumn} = $2, ${loginColumn} = $3 where ${idColumn} = $1`, [
          id,
          pseudonym.id,
          pseudonym.login,
        ]);
        rows += updated.rowCount ?? 0;
      }
    }
    // Rows with the login but no id known to any table (or a table without ids).
    const updated = await client.query(`update ${t} set ${loginColumn} = $2 where lower(${loginColumn}) = lower($1)`, [
      login,
      loginPseudonym.login,
    ]);
    rows += updated.rowCount ?? 0;
    result.tables.push({ table: table.table, rows });
  }
  return result;
}

/** Random, so not recomputable from the login or id; a negative id never collides with GitHub's. */
function newPseudonym(): Pseudonym {
  return { id: -randomInt(1, 2 ** 47), login: `forgotten-${randomBytes(6).toString("hex")}` };
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
