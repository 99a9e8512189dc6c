import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
// Any number shared by every migrator of this product; pg_advisory_lock takes a bigint.
const migrationLockKey = 7_140_221_001;

class MigrationError extends Error {
  override readonly name = "MigrationError";
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(
      `Migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        "The database is unchanged by this migration; fix the cause (permissions, a conflicting object) and start again.",
      { cause },
    );
  }
}

/**
 * Applies the numbered SQL files of src/db/migrations that the database has not seen, each in its
 * own transaction, under an advisory lock so that concurrent starts (two workers, CLI and Functions)
 * apply each migration once. Returns the names applied.
 */
export async function migrate(pool: pg.Pool): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((file) => /^\d{4}-.*\.sql$/.test(file)).sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query("set lock_timeout = '60s'");
    await client.query("select pg_advisory_lock($1)", [migrationLockKey]);
    await client.query(
      "create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())",
    );
    const done = new Set((await client.query<{ name: string }>("select name from schema_migrations")).rows.map((row) => row.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(path.join(migrationsDir, file), "utf8");
      try {
        await client.query("begin");
        await client.query("insert into schema_migrations (name) values ($1)", [file]);
        await client.query(sql);
        await client.query("commit");
        applied.push(file);
      } catch (error) {
        await client.query("rollback");
        throw new MigrationError(file, error);
      }
    }
  } finally {
    await client.query("select pg_advisory_unlock($1)", [migrationLockKey]).catch(() => undefined);
    client.release();
  }
  return applied;
}
