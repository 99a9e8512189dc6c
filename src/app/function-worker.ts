import { parseSettings, SettingsError, type EnterpriseConfig, type Settings } from "../config/index.js";
import type { Pool } from "../db/index.js";
import { createTelemetry, redact } from "../telemetry/index.js";
import { createActivities, type Activity } from "../pipeline/index.js";
import { openRuntime, type Runtime, type RuntimeOptions } from "./runtime.js";

export interface FunctionWorker {
  /** The Function App's settings, read and checked once; a bad one throws a SettingsError. */
  settings(): Settings & { ENTERPRISES: EnterpriseConfig[] };
  /** An activity by name, whose dependencies open on its first call in this worker. */
  activity(name: string): Activity;
  /** The database pool of this worker (opened and migrated on first use). */
  pool: () => Promise<Pool>;
  close(): Promise<void>;
}

/**
 * What a Functions worker process shares between invocations: the settings, and the runtime the
 * activities need (database pool, GitHub clients, archive, publish sink, telemetry), opened on the
 * first call rather than at start-up, since Flex Consumption gives an app 30 seconds to start and
 * the database may still be waking up. A failed open is not remembered: the next call tries again.
 */
export function createFunctionWorker(
  env: Record<string, string | undefined>,
  options: Partial<Omit<RuntimeOptions, "embeddedDataDir">> = {},
): FunctionWorker {
  let settings: (Settings & { ENTERPRISES: EnterpriseConfig[] }) | undefined;
  let opening: Promise<{ runtime: Runtime; activities: Record<string, Activity> }> | undefined;

  const readSettings = () => (settings ??= functionAppSettings(env));

  const open = () => {
    opening ??= (async () => {
      const current = readSettings();
      const runtime = await openRuntime(current, current.ENTERPRISES, {
        // Not used: functionAppSettings insists on a configured database.
        embeddedDataDir: ".data/postgres",
        // Console lines become the host's traces when no connection string is set.
        telemetry: createTelemetry({
          connectionString: current.APPLICATIONINSIGHTS_CONNECTION_STRING ?? "",
          // The host's own setting: the SDK signs in the same way the host does (Entra-only ingestion).
          authenticationString: env["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"],
          log: (line) => console.log(line),
        }),
        log: (message) => console.warn(redact(message)),
        ...options,
      });
      return { runtime, activities: createActivities(runtime.deps) };
    })();
    const current = opening;
    current.catch(() => {
      if (opening === current) opening = undefined;
    });
    return current;
  };

  return {
    settings: readSettings,
    activity: (name) => async (input) => {
      const { activities } = await open();
      const activity = activities[name];
      if (activity === undefined) throw new Error(`No activity named "${name}"; the pipeline has ${Object.keys(activities).join(", ")}.`);
      return activity(input);
    },
    pool: async () => (await open()).runtime.database.pool,
    close: async () => {
      const current = opening;
      opening = undefined;
      if (current !== undefined) await (await current).runtime.close();
    },
  };
}

/** The README's settings, plus what only the Function App needs: enterprises and a real database. */
export function functionAppSettings(env: Record<string, string | undefined>): Settings & { ENTERPRISES: EnterpriseConfig[] } {
  const settings = parseSettings(env);
  const enterprises = settings.ENTERPRISES;
  if (enterprises === undefined) {
    throw new SettingsError(
      "ENTERPRISES",
      "is required in the Function App (the sandbox runs from the command line only)",
      '[{"slug":"contoso","orgs":["contoso-web"],"tokenSecret":"github-token-contoso"}]',
    );
  }
  if (settings.DATABASE_URL === undefined && settings.PGHOST === undefined) {
    throw new SettingsError(
      "DATABASE_URL",
      "or PGHOST is required in the Function App, which has no embedded PostgreSQL",
      "postgres://metrics:secret@localhost:5432/metrics",
    );
  }
  return { ...settings, ENTERPRISES: enterprises };
}

/** The worker of this process, for functions/. */
export const functionWorker = createFunctionWorker(process.env);
