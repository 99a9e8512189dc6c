import pg from "pg";
import type { Settings } from "../config/index.js";
import { startEmbeddedPostgres } from "./embedded-postgres.js";

export interface Database {
  readonly pool: pg.Pool;
  /** Where the data lives, for the run summary (never includes a password). */
  readonly description: string;
  close(): Promise<void>;
}

// A B1ms Flexible Server allows 35 user connections, shared with the Functions workers.
const maxConnections = 8;

// COUNT(*) and bigint sums come back as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// Dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the local time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/**
 * The database the settings name: DATABASE_URL, else PGHOST and friends (with a managed-identity token as
 * the password when PG_AUTH=entra), else an embedded PostgreSQL under `embeddedDataDir`.
 */
export async function openDatabase(
  settings: Settings,
  options: { embeddedDataDir: string; entraPassword?: () => Promise<string> },
): Promise<Database> {
  if (settings.DATABASE_URL !== undefined) {
    const pool = survivingConnectionErrors(new pg.Pool({ connectionString: settings.DATABASE_URL, max: maxConnections }));
    return { pool, description: `PostgreSQL at ${describeUrl(settings.DATABASE_URL)}`, close: () => pool.end() };
  }
  if (settings.PGHOST !== undefined) {
    const entra = settings.PG_AUTH === "entra";
    if (entra && options.entraPassword === undefined) {
      throw new Error("PG_AUTH=entra needs a managed-identity token source; none was given to openDatabase.");
    }
    const pool = survivingConnectionErrors(
      new pg.Pool({
        host: settings.PGHOST,
        port: settings.PGPORT,
        database: settings.PGDATABASE,
        user: settings.PGUSER,
        max: maxConnections,
        // pg calls the function for every new physical connection, so an expiring token is refreshed.
        ...(entra ? { password: options.entraPassword, ssl: { rejectUnauthorized: true } } : {}),
      }),
    );
    return { pool, description: `PostgreSQL at ${settings.PGHOST}`, close: () => pool.end() };
  }
  const embedded = await startEmbeddedPostgres(options.embeddedDataDir);
  const pool = survivingConnectionErrors(new pg.Pool({ connectionString: embedded.connectionString, max: maxConnections }));
  return {
    pool,
    description: `embedded PostgreSQL in ${options.embeddedDataDir}`,
    close: async () => {
      await pool.end();
      await embedded.stop();
    },
  };
}

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}${parsed.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

/**
 * A connection that the server closes (a restart, a failover, Azure maintenance,
 * `pg_terminate_backend`) makes its client emit 'error'; unhandled, that ends the process with
 * `Unhandled 'error' event ... ECONNRESET` and leaves the run open. The pool listens only while a
 * client is idle; a client in use also fails its query, so the one holding it learns of the loss
 * there (its transaction rolls back and the unit is retried), and the pool drops it on release.
 */
export function survivingConnectionErrors(pool: pg.Pool): pg.Pool {
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}
