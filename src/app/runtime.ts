import { DefaultAzureCredential } from "@azure/identity";
import { createBlobArchive } from "../archive/index.js";
import type { EnterpriseConfig, Settings } from "../config/index.js";
import { entraPassword, openDatabase, migrate, type Database } from "../db/index.js";
import { createGitHubClient, type DownloadOptions, type GitHubClient } from "../github/index.js";
import { createFolderSink, createSharePointSink, type PublishSink } from "../publish/index.js";
import { createSecretSource, type SecretSource } from "../secrets/index.js";
import { createTelemetry, rateLimitWindow, type Telemetry } from "../telemetry/index.js";
import type { PipelineDependencies } from "../pipeline/index.js";

export interface RuntimeOptions {
  /** Folder of the embedded PostgreSQL when no database is configured. */
  embeddedDataDir: string;
  /** Overrides for the sandbox and tests: where GitHub is and which token to use. */
  githubApiUrl?: string;
  githubToken?: string;
  /** Milliseconds per second of GitHub's retry-after and backoff (tests shrink it). */
  retryTimeScaleMs?: number;
  download?: DownloadOptions;
  log?: (message: string) => void;
  /** Where secrets come from; default: Key Vault when KEY_VAULT_URL is set, else the environment. */
  secrets?: SecretSource;
  /** Default: App Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set, else none (the CLI prints its own summary). */
  telemetry?: Telemetry;
}

export interface Runtime {
  database: Database;
  deps: PipelineDependencies;
  close(): Promise<void>;
}

/** Opens the database (migrated), the GitHub clients and the publish sink that the activities use. */
export async function openRuntime(settings: Settings, enterprises: EnterpriseConfig[], options: RuntimeOptions): Promise<Runtime> {
  const needsAzure =
    settings.PG_AUTH === "entra" ||
    settings.KEY_VAULT_URL !== undefined ||
    settings.SHAREPOINT_DRIVE_ID !== undefined ||
    settings.ARCHIVE_ACCOUNT_URL !== undefined;
  const credential = needsAzure ? new DefaultAzureCredential() : undefined;
  const secrets =
    options.secrets ??
    createSecretSource({
      env: process.env,
      ...(settings.KEY_VAULT_URL === undefined ? {} : { keyVaultUrl: settings.KEY_VAULT_URL }),
      ...(credential === undefined ? {} : { credential }),
    });
  const database = await openDatabase(settings, {
    embeddedDataDir: options.embeddedDataDir,
    ...(credential !== undefined && settings.PG_AUTH === "entra" ? { entraPassword: entraPassword(credential) } : {}),
  });
  try {
    await migrate(database.pool);
  } catch (error) {
    await database.close();
    throw error;
  }
  const clients = new Map<string, GitHubClient>();
  const github = (slug: string): GitHubClient => {
    const existing = clients.get(slug);
    if (existing !== undefined) return existing;
    const enterprise = enterprises.find((candidate) => candidate.slug === slug);
    if (enterprise === undefined) throw new Error(`Enterprise "${slug}" is not configured in ENTERPRISES.`);
    const client = createGitHubClient({
      baseUrl: options.githubApiUrl ?? settings.GITHUB_API_URL,
      apiVersion: settings.GITHUB_API_VERSION,
      token: tokenSource(secrets, enterprise, options.githubToken),
      throttleId: `github-metrics-${slug}`,
      ...(options.retryTimeScaleMs === undefined ? {} : { retryTimeScaleMs: options.retryTimeScaleMs }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    // The client's own peak covers the worker's whole life; the metric and the run's audit row take
    // the peak of the current rate-limit window, so one breach is reported in the run it happened in.
    const window = rateLimitWindow();
    client.octokit.hook.after("request", (response) => window.observe(response.headers));
    const observed: GitHubClient = { ...client, peakRateLimitUsedPercent: () => window.peakPercent(Date.now()) };
    clients.set(slug, observed);
    return observed;
  };
  const sink: PublishSink =
    settings.SHAREPOINT_DRIVE_ID === undefined
      ? createFolderSink(settings.OUTPUT_DIR)
      : createSharePointSink({
          graphApiUrl: settings.GRAPH_API_URL,
          driveId: settings.SHAREPOINT_DRIVE_ID,
          folder: settings.SHAREPOINT_FOLDER,
          simpleUploadMaxBytes: settings.SHAREPOINT_SIMPLE_UPLOAD_MAX_BYTES,
          credential: credential ?? new DefaultAzureCredential(),
        });
  return {
    database,
    deps: {
      pool: database.pool,
      settings,
      github,
      sink,
      // One cache of secrets per worker: the user-hash key is read from the same place as the tokens.
      secrets,
      ...(options.download === undefined ? {} : { download: options.download }),
      ...(settings.ARCHIVE_ACCOUNT_URL === undefined
        ? {}
        : {
            archive: createBlobArchive({
              accountUrl: settings.ARCHIVE_ACCOUNT_URL,
              container: settings.ARCHIVE_CONTAINER,
              credential: credential ?? new DefaultAzureCredential(),
            }),
          }),
      ...telemetryOf(settings, options),
    },
    close: () => database.close(),
  };
}

function tokenSource(secrets: SecretSource, enterprise: EnterpriseConfig, fixedToken: string | undefined) {
  if (fixedToken !== undefined) return { get: async () => fixedToken, refresh: async () => fixedToken };
  const name = enterprise.tokenSecret ?? "github-token";
  return { get: () => secrets.get(name), refresh: () => secrets.refresh(name) };
}

function telemetryOf(settings: Settings, options: RuntimeOptions): { telemetry?: Telemetry } {
  if (options.telemetry !== undefined) return { telemetry: options.telemetry };
  const connectionString = settings.APPLICATIONINSIGHTS_CONNECTION_STRING;
  return connectionString === undefined ? {} : { telemetry: createTelemetry({ connectionString }) };
}
