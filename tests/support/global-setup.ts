import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import pg from "pg";
import { migrate, startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/db/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated database that each test file clones (CREATE DATABASE … TEMPLATE). */
    templateDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set, else a throwaway embedded cluster in a
 * temporary folder, never a developer's .data/. The schema is migrated once into a template.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env["DATABASE_URL"];
  if (serverUrl === undefined || serverUrl === "") {
    dataDir = await mkdtemp(path.join(tmpdir(), "metrics-test-pg-"));
    embedded = await startEmbeddedPostgres(path.join(dataDir, "cluster"), { throwaway: true });
    serverUrl = embedded.connectionString;
  }
  const templateName = `metrics_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${templateName}`);
  await admin.query(`create database ${templateName}`);
  await admin.end();
  const templateUrl = withDatabase(serverUrl, templateName);
  const pool = new pg.Pool({ connectionString: templateUrl, max: 2 });
  await migrate(pool);
  await pool.end();
  project.provide("templateDatabaseUrl", templateUrl);
  return async () => {
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${templateName} with (force)`);
    await cleanup.end();
    await embedded?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
