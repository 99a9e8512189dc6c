export { openDatabase, survivingConnectionErrors, type Database } from "./pool.js";
export { migrate } from "./migrate.js";
export { copyQueryOut, copyRows, copyText } from "./copy-rows.js";
export { copyLine, type CopyValue } from "./copy-text-encoding.js";
export { sqlFile } from "./sql-file.js";
export { inTransaction } from "./transaction.js";
export { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres.js";
export { entraPassword } from "./entra-password.js";
export type { Pool, PoolClient } from "pg";
