import { randomUUID } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import type { Pool } from "../../src/db/index.js";

export interface TestDatabase {
  pool: Pool;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const templateUrl = inject("templateDatabaseUrl");
  const template = new URL(templateUrl);
  const name = `test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: templateUrl.replace(template.pathname, "/postgres") });
  await admin.connect();
  await admin.query(`create database ${name} template ${template.pathname.slice(1)}`);
  await admin.end();
  const url = templateUrl.replace(template.pathname, `/${name}`);
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  return {
    pool,
    url,
    drop: async () => {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: templateUrl.replace(template.pathname, "/postgres") });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Every row of a table in key order, as plain JSON: two dumps are equal when the tables are. */
export async function dumpTable(pool: Pool, table: string, orderBy: string): Promise<unknown[]> {
  const result = await pool.query(`select * from ${table} order by ${orderBy}`);
  return JSON.parse(JSON.stringify(result.rows)) as unknown[];
}

/** The Copilot usage tables (daily, breakdown, per user), each dumped in key order. */
export async function dumpUsageTables(pool: Pool): Promise<unknown[][]> {
  return Promise.all([
    dumpTable(pool, "copilot_usage_daily", "enterprise, scope, organization, day"),
    dumpTable(pool, "copilot_usage_breakdown", "enterprise, scope, organization, day, dimension, ide, feature, language, model"),
    dumpTable(pool, "copilot_user_daily", "enterprise, scope, organization, day, user_id"),
  ]);
}
