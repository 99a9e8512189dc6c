import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TokenCredential } from "@azure/identity";
import { z } from "zod";
import { createBlobArchive } from "../archive/index.js";
import type { EnterpriseConfig, Settings } from "../config/index.js";
import { entraPassword, openDatabase } from "../db/index.js";
import { createGitHubClient, findReportKind, probe, type AccessContext, type AccessResult } from "../github/index.js";
import { accessContext } from "../pipeline/index.js";
import { createFolderSink, createSharePointSink, type PublishSink } from "../publish/index.js";
import { createSecretSource, SecretNotFoundError, type SecretSource } from "../secrets/index.js";
import type { Interruption } from "./interruption.js";
import { embeddedDataDir, type CliIo } from "./io.js";

/** One check: resolves with what was found, or rejects with what to fix. */
type Check = { name: string; run: () => Promise<string> };

const probeFile = ".metrics-collector-check.txt";

/** `check`: every dependency of a run, one line each, without collecting. 0 all ok, 2 something to fix. */
export async function checkCommand(_args: undefined, settings: Settings, io: CliIo, interruption: Interruption): Promise<number> {
  const credential = await azureCredential(settings);
  const secrets = createSecretSource({
    env: process.env,
    ...(settings.KEY_VAULT_URL === undefined ? {} : { keyVaultUrl: settings.KEY_VAULT_URL }),
    ...(credential === undefined ? {} : { credential }),
  });
  const archiveUrl = settings.ARCHIVE_ACCOUNT_URL;
  const checks: Check[] = [
    { name: "settings", run: async () => "read from the environment and .env" },
    keyVaultCheck(settings, secrets),
    ...githubChecks(settings, secrets),
    { name: "PostgreSQL", run: () => checkDatabase(settings, credential) },
    { name: "publish target", run: () => checkSink(publishSink(settings, credential)) },
    ...(archiveUrl === undefined || credential === undefined
      ? []
      : [
          {
            name: `archive ${archiveUrl}/${settings.ARCHIVE_CONTAINER}`,
            run: () => checkArchive(archiveUrl, settings.ARCHIVE_CONTAINER, credential),
          },
        ]),
  ];
  let failed = 0;
  for (const check of checks) {
    if (interruption.signal.aborted) return interruption.exitCode() ?? 130;
    try {
      io.out(`ok    ${check.name}: ${await check.run()}`);
    } catch (error) {
      failed++;
      io.out(`FIX   ${check.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  io.out(
    failed === 0 ? "\nEverything a run needs is in place." : `\n${failed} of ${checks.length} checks failed: fix them and run check again.`,
  );
  return failed === 0 ? 0 : 2;
}

async function azureCredential(settings: Settings): Promise<TokenCredential | undefined> {
  const needsAzure =
    settings.PG_AUTH === "entra" ||
    settings.KEY_VAULT_URL !== undefined ||
    settings.SHAREPOINT_DRIVE_ID !== undefined ||
    settings.ARCHIVE_ACCOUNT_URL !== undefined;
  if (!needsAzure) return undefined;
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}

/**
 * With KEY_VAULT_URL: the vault answers and every secret a run reads from it is there (each
 * enterprise's token, and the user-hash key when USER_IDENTITY=hashed). Reading them also proves the
 * credential and its role on the vault.
 */
function keyVaultCheck(settings: Settings, secrets: SecretSource): Check {
  const vaultUrl = settings.KEY_VAULT_URL;
  if (vaultUrl === undefined) {
    return { name: "Key Vault", run: async () => "KEY_VAULT_URL not set: secrets come from the environment and .env" };
  }
  const names = new Set((settings.ENTERPRISES ?? []).map((enterprise) => enterprise.tokenSecret ?? "github-token"));
  if (settings.USER_IDENTITY === "hashed") names.add("user-hash-key");
  return {
    name: `Key Vault ${vaultUrl}`,
    run: async () => {
      for (const name of names) {
        try {
          await secrets.get(name);
        } catch (error) {
          throw new Error(keyVaultFix(vaultUrl, name, error), { cause: error });
        }
      }
      return names.size === 0 ? "no secret to read (ENTERPRISES not set)" : `answers; secrets ${[...names].join(", ")} readable`;
    },
  };
}

const restError = z.object({ statusCode: z.number() });
const namedError = z.object({ name: z.string(), code: z.string().optional() });

/** The one line that says what to do about a secret the vault would not hand out. */
function keyVaultFix(vaultUrl: string, secretName: string, error: unknown): string {
  if (error instanceof SecretNotFoundError) return error.message;
  const status = restError.safeParse(error);
  if (status.success && (status.data.statusCode === 401 || status.data.statusCode === 403)) {
    return (
      `Key Vault answered ${status.data.statusCode} for secret "${secretName}": give the identity that runs the collector ` +
      "(az login locally, the Function App's managed identity in Azure) the role Key Vault Secrets User on the vault."
    );
  }
  if (status.success)
    return `Key Vault answered ${status.data.statusCode} for secret "${secretName}"; it may be a passing fault: run check again.`;
  const named = namedError.safeParse(error);
  if (named.success && (named.data.name === "CredentialUnavailableError" || named.data.name === "AuthenticationError")) {
    return `No Azure credential could get a token for Key Vault: run az login, or run where a managed identity is assigned (${named.data.name}).`;
  }
  const code = named.success && named.data.code !== undefined ? ` (${named.data.code})` : "";
  return `Key Vault ${vaultUrl} did not answer${code}: check KEY_VAULT_URL and that this machine can reach the vault.`;
}

/** Per enterprise: its token, then one cheap call per endpoint family the run uses. */
function githubChecks(settings: Settings, secrets: SecretSource): Check[] {
  if (settings.ENTERPRISES === undefined) {
    return [{ name: "ENTERPRISES", run: async () => "not set: runs use the built-in sandbox, so GitHub is not checked" }];
  }
  return settings.ENTERPRISES.flatMap((enterprise) => enterpriseChecks(settings, secrets, enterprise));
}

function enterpriseChecks(settings: Settings, secrets: SecretSource, enterprise: EnterpriseConfig): Check[] {
  const context = accessContext(settings, enterprise.slug);
  const secretName = enterprise.tokenSecret ?? "github-token";
  const token = { get: () => secrets.get(secretName), refresh: () => secrets.refresh(secretName) };
  let tokenFound = false;
  const client = createGitHubClient({
    baseUrl: settings.GITHUB_API_URL,
    apiVersion: settings.GITHUB_API_VERSION,
    token,
    throttleId: `github-metrics-check-${enterprise.slug}`,
    retries: 0,
  });
  const call = (name: string, route: string, parameters: Record<string, string | number>): Check => ({
    name,
    run: async () => {
      if (!tokenFound) throw new Error("not checked: the token is missing (see above).");
      return describe(await probe(client, route, parameters, context), context);
    },
  });
  const enterpriseReport = findReportKind("enterprise", "enterprise-28-day");
  const organizationReport = findReportKind("organization", "organization-28-day");
  return [
    {
      name: `${enterprise.slug} token`,
      run: async () => {
        await token.get();
        tokenFound = true;
        return `found in ${context.tokenSetting}`;
      },
    },
    call(`${enterprise.slug} GitHub ${settings.GITHUB_API_URL}, enterprise Copilot metrics`, `GET ${enterpriseReport.path}`, {
      owner: enterprise.slug,
    }),
    ...enterprise.orgs.flatMap((org) => [
      call(`${enterprise.slug}/${org} organization Copilot metrics`, `GET ${organizationReport.path}`, { owner: org }),
      call(`${enterprise.slug}/${org} Copilot seats`, "GET /orgs/{org}/copilot/billing/seats", { org, per_page: 1 }),
      call(`${enterprise.slug}/${org} repositories`, "GET /orgs/{org}/repos", { org, per_page: 1 }),
    ]),
  ];
}

function describe(result: AccessResult, context: AccessContext): string {
  if (!result.ok) throw new Error(result.message);
  const scopes = result.scopes === undefined ? "" : `; the token's scopes: ${result.scopes.join(", ") || "none"}`;
  if (result.status === 200 || result.status === 204) return `answered ${result.status}${scopes}`;
  if (result.status === 404) {
    throw new Error(
      `GitHub answered 404${scopes}. Check the slug or organization in ENTERPRISES, that the token in ${context.tokenSetting} may see it, ` +
        `and that the "Copilot usage metrics" policy is enabled.`,
    );
  }
  throw new Error(
    `GitHub answered ${result.status === 0 ? "with a network error" : result.status}${scopes}; it may be a passing fault: run check again.`,
  );
}

async function checkDatabase(settings: Settings, credential: TokenCredential | undefined): Promise<string> {
  const database = await openDatabase(settings, {
    embeddedDataDir: embeddedDataDir(settings),
    ...(credential !== undefined && settings.PG_AUTH === "entra" ? { entraPassword: entraPassword(credential) } : {}),
  });
  try {
    const result = await database.pool.query<{ version: string }>("select current_setting('server_version') as version");
    return `${database.description}, PostgreSQL ${result.rows[0]?.version ?? "unknown version"}`;
  } finally {
    await database.close();
  }
}

function publishSink(settings: Settings, credential: TokenCredential | undefined): PublishSink {
  if (settings.SHAREPOINT_DRIVE_ID === undefined || credential === undefined) return createFolderSink(settings.OUTPUT_DIR);
  return createSharePointSink({
    graphApiUrl: settings.GRAPH_API_URL,
    driveId: settings.SHAREPOINT_DRIVE_ID,
    folder: settings.SHAREPOINT_FOLDER,
    simpleUploadMaxBytes: settings.SHAREPOINT_SIMPLE_UPLOAD_MAX_BYTES,
    credential,
  });
}

/** Writes a small file where the CSVs go and removes it again. */
async function checkSink(sink: PublishSink): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "metrics-check-"));
  try {
    const local = path.join(folder, probeFile);
    await writeFile(local, "written by metrics-collector check; safe to delete\n");
    await sink.put(probeFile, local);
    await sink.remove(probeFile);
    return `${sink.description} is writable`;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Lists the archive: proves the account, the container and the credential's read access. */
async function checkArchive(accountUrl: string, container: string, credential: TokenCredential): Promise<string> {
  const archive = createBlobArchive({ accountUrl, container, credential });
  for await (const file of archive.list("")) return `readable (first file ${file.path})`;
  return "readable (empty)";
}
