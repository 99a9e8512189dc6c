export { openDatabase, survivingIdleErrors, type Database } from "./pool.js";
export { migrate, MigrationError } from "./migrate.js";
export { copyRows, type CopyValue } from "./copy-rows.js";
export { sqlFile } from "./sql-file.js";
export { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres.js";
export type { Pool, PoolClient } from "pg";
