// After `azd provision` (an azd hook, azure.yaml) or after `az deployment group create`, alone:
//
//   npx tsx scripts/postprovision.ts [--resource-group RG] [--deployment NAME] [--skip-smoke | --smoke-only] [--collect]
//
// 1. PostgreSQL: creates the Function App identity's role, bound to its object id, with rights on
//    the collector's database only (not an administrator of the server). Idempotent.
// 2. Key Vault: sets each secret the app reads from the environment variable of the same name,
//    upper-cased with dashes as underscores (github-token-contoso ← GITHUB_TOKEN_CONTOSO), when given.
// 3. Prints the Microsoft Graph Sites.Selected steps with the ids filled in (a tenant
//    administrator's job, which neither ARM nor this script's caller may be allowed to do).
// 4. Smoke test: /api/live, then /api/health with the function key, then with --collect a
//    one-day POST /api/collect.
//
// It reads the deployment's outputs from the environment (azd puts them there) or, failing that,
// from `az deployment group show`. It signs in as you through the Azure CLI (`az login`); nothing
// it reads or sets is printed.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AzureCliCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import pg from "pg";

export interface IdentityRole {
  /** The role name: the identity's name, which the app signs in as (PGUSER). */
  role: string;
  /** The identity's principal (object) id, which Entra tokens carry. */
  objectId: string;
  /** The collector's database. */
  database: string;
}

/** Runs a statement on a database the caller opens: the server's `postgres` or the collector's. */
export type Connect = (database: string) => Promise<pg.ClientBase & { end(): Promise<void> }>;

/**
 * Creates the identity's role when it is missing, then grants what the app needs on its database
 * and nothing on the server: connect and temporary tables on the database, usage and create on
 * schema public (the app runs its own migrations). On Azure the role is made by
 * pgaadauth_create_principal_with_oid, which binds it to the object id so that a token of that
 * identity, and only of it, signs in as the role; where the extension is absent (a plain
 * PostgreSQL, as in the tests) a plain login role stands in. Safe to run again.
 */
export async function ensureIdentityRole(connect: Connect, target: IdentityRole): Promise<"created" | "existed"> {
  const server = await connect("postgres");
  let outcome: "created" | "existed";
  try {
    const existing = await server.query("select 1 from pg_roles where rolname = $1", [target.role]);
    if (existing.rowCount === 1) {
      outcome = "existed";
    } else {
      const entra = await server.query("select 1 from pg_proc where proname = 'pgaadauth_create_principal_with_oid'");
      if (entra.rowCount === 1) {
        // (role name, object id, principal type, is admin, is MFA) — not an administrator.
        await server.query("select * from pgaadauth_create_principal_with_oid($1, $2, 'service', false, false)", [
          target.role,
          target.objectId,
        ]);
      } else {
        await server.query(`create role ${pg.escapeIdentifier(target.role)} login`);
      }
      outcome = "created";
    }
    const role = pg.escapeIdentifier(target.role);
    await server.query(`grant connect, temporary on database ${pg.escapeIdentifier(target.database)} to ${role}`);
  } finally {
    await server.end();
  }
  const database = await connect(target.database);
  try {
    await database.query(`grant usage, create on schema public to ${pg.escapeIdentifier(target.role)}`);
  } finally {
    await database.end();
  }
  return outcome;
}

/** The environment variable a Key Vault secret is set from: github-token-contoso → GITHUB_TOKEN_CONTOSO. */
export function secretVariable(secretName: string): string {
  return secretName.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The Graph steps that give the identity write access to the one SharePoint site, ids filled in. */
export function graphSteps(ids: { principalId: string; clientId: string; identityName: string; siteId: string }): string {
  return `Microsoft Graph: let the identity write to the SharePoint site (a tenant administrator, once).

a) The application role Sites.Selected for the identity (Privileged Role Administrator):

   GRAPH_SP=$(az ad sp show --id 00000003-0000-0000-c000-000000000000 --query id -o tsv)
   SITES_SELECTED=$(az ad sp show --id 00000003-0000-0000-c000-000000000000 \\
     --query "appRoles[?value=='Sites.Selected' && contains(allowedMemberTypes, 'Application')].id | [0]" -o tsv)
   az rest --method POST \\
     --uri "https://graph.microsoft.com/v1.0/servicePrincipals/${ids.principalId}/appRoleAssignments" \\
     --headers "Content-Type=application/json" \\
     --body "{\\"principalId\\":\\"${ids.principalId}\\",\\"resourceId\\":\\"$GRAPH_SP\\",\\"appRoleId\\":\\"$SITES_SELECTED\\"}"

b) Write access on the site (a SharePoint administrator; needs Sites.FullControl.All, which the
   Azure CLI's token lacks, so Microsoft Graph PowerShell):

   Connect-MgGraph -Scopes "Sites.FullControl.All"
   New-MgSitePermission -SiteId "${ids.siteId}" -BodyParameter @{
     roles = @("write")
     grantedToIdentities = @(@{ application = @{ id = "${ids.clientId}"; displayName = "${ids.identityName}" } })
   }
`;
}

type Options = { resourceGroup?: string; deployment: string; smoke: "skip" | "only" | "run"; collect: boolean };

function parseArgs(args: string[]): Options {
  const options: Options = { deployment: "main", smoke: "run", collect: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--resource-group" || arg === "-g") {
      const group = args[++i];
      if (group === undefined) throw new UsageError(`${arg} needs a resource group name, as in ${arg} rg-metrics.`);
      options.resourceGroup = group;
    } else if (arg === "--deployment") options.deployment = args[++i] ?? "main";
    else if (arg === "--skip-smoke") options.smoke = "skip";
    else if (arg === "--smoke-only") options.smoke = "only";
    else if (arg === "--collect") options.collect = true;
    else
      throw new UsageError(
        `Unknown argument ${arg}. Usage: npx tsx scripts/postprovision.ts [--resource-group RG] [--deployment NAME] [--skip-smoke | --smoke-only] [--collect]`,
      );
  }
  return options;
}

class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Runs the Azure CLI and returns its output; the arguments never carry a secret. */
function az(args: string[]): string {
  const result = spawnSync("az", args, { encoding: "utf8", shell: process.platform === "win32" });
  if (result.error !== undefined)
    throw new Error(`Could not run the Azure CLI (az ${args[0]}): ${result.error.message}. Install it and run az login.`);
  if (result.status !== 0)
    throw new Error(`az ${args.slice(0, 3).join(" ")} failed: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
  return result.stdout.trim();
}

function outputsReader(options: Options): (name: string) => string {
  let fromDeployment: Record<string, { value: unknown }> | undefined;
  return function output(name: string): string {
    const fromEnv = process.env[name];
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    const group = options.resourceGroup ?? process.env["AZURE_RESOURCE_GROUP"];
    if (group === undefined || group === "") {
      throw new UsageError(
        `${name} is not in the environment. Run this from azd (azd hooks run postprovision), or pass --resource-group with the group you deployed to.`,
      );
    }
    fromDeployment ??= JSON.parse(
      az(["deployment", "group", "show", "-g", group, "-n", options.deployment, "--query", "properties.outputs", "-o", "json"]),
    ) as Record<string, { value: unknown }>;
    const value = fromDeployment[name]?.value;
    if (value === undefined)
      throw new Error(`The deployment ${options.deployment} in ${group} has no output ${name}: was it made from infra/main.bicep?`);
    return typeof value === "string" ? value : JSON.stringify(value);
  };
}

async function createDatabaseRole(output: (name: string) => string): Promise<void> {
  const host = output("POSTGRES_HOST");
  const target = { role: output("IDENTITY_NAME"), objectId: output("IDENTITY_PRINCIPAL_ID"), database: output("POSTGRES_DATABASE") };
  // You sign in as yourself: a PostgreSQL Entra administrator (by default whoever deployed).
  const user = process.env["PGADMIN_USER"] ?? az(["ad", "signed-in-user", "show", "--query", "userPrincipalName", "-o", "tsv"]);
  const token = az(["account", "get-access-token", "--resource-type", "oss-rdbms", "--query", "accessToken", "-o", "tsv"]);
  const connect: Connect = async (database) => {
    const client = new pg.Client({
      host,
      user,
      database,
      password: token,
      ssl: { rejectUnauthorized: true },
      connectionTimeoutMillis: 15_000,
    });
    try {
      await client.connect();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Could not connect to PostgreSQL ${host} as ${user} (${reason}). You must be one of its Entra administrators; ` +
          "with vnetEnabled the server has no public endpoint, so run this from a machine in its virtual network.",
      );
    }
    return client;
  };
  const outcome = await ensureIdentityRole(connect, target);
  console.log(
    `PostgreSQL: role ${target.role} ${outcome === "created" ? "created" : "already there"}; rights on database ${target.database} granted.`,
  );
}

async function setSecrets(output: (name: string) => string): Promise<void> {
  const names = JSON.parse(output("KEY_VAULT_SECRET_NAMES")) as unknown;
  if (!Array.isArray(names)) throw new Error("KEY_VAULT_SECRET_NAMES is not a JSON array.");
  const vault = new SecretClient(output("KEY_VAULT_URL"), new AzureCliCredential());
  for (const name of names.map(String)) {
    const variable = secretVariable(name);
    const value = process.env[variable];
    if (value === undefined || value === "") {
      console.log(`Key Vault: ${name} not set here (no ${variable} in the environment); set it later, see infra/README.md.`);
      continue;
    }
    try {
      await vault.setSecret(name, value);
      console.log(`Key Vault: ${name} set from ${variable}.`);
    } catch (error) {
      const status: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "statusCode") : undefined;
      throw new Error(
        status === 403
          ? `Key Vault refused to set ${name}: you need Key Vault Secrets Officer on ${output("KEY_VAULT_NAME")} (infra/README.md, step 2).`
          : `Key Vault: setting ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

async function smokeTest(output: (name: string) => string, options: Options): Promise<void> {
  const base = `https://${output("FUNCTION_APP_HOST")}/api`;
  const live = await fetch(`${base}/live`);
  if (live.status !== 200) throw new Error(`Smoke test: GET /api/live answered ${live.status}; see the Function App's log stream.`);
  console.log("Smoke test: /api/live answers 200.");
  const group = output("AZURE_RESOURCE_GROUP");
  const key = az([
    "functionapp",
    "keys",
    "list",
    "-g",
    group,
    "-n",
    output("FUNCTION_APP_NAME"),
    "--query",
    "functionKeys.default",
    "-o",
    "tsv",
  ]);
  const health = await fetch(`${base}/health`, { headers: { "x-functions-key": key } });
  const body = (await health.json().catch(() => ({}))) as { status?: string; database?: string; error?: string };
  console.log(
    `Smoke test: /api/health answers ${health.status}: status ${body.status ?? "?"}, database ${body.database ?? "?"}${body.error === undefined ? "" : ` (${body.error})`}.`,
  );
  if (body.database !== "reachable")
    throw new Error('Smoke test: the app cannot reach its database; see docs/operations.md, "postgres-connections-failed".');
  if (!options.collect) return;
  // Two days back: GitHub's reports land up to two days late.
  const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const started = await fetch(`${base}/collect`, {
    method: "POST",
    headers: { "x-functions-key": key, "content-type": "application/json" },
    body: JSON.stringify({ from: day, to: day }),
  });
  if (started.status !== 202) throw new Error(`Smoke test: POST /api/collect answered ${started.status}.`);
  // The answer's Location is the run's progress URL (GET /api/collect/{id}, function key).
  console.log(`Smoke test: collecting ${day}; follow the run with GET ${started.headers.get("location") ?? `${base}/collect/<id>`}.`);
}

async function main(args: string[]): Promise<number> {
  try {
    const options = parseArgs(args);
    const output = outputsReader(options);
    if (options.smoke !== "only") {
      await createDatabaseRole(output);
      await setSecrets(output);
      console.log(
        `\n${graphSteps({ principalId: output("IDENTITY_PRINCIPAL_ID"), clientId: output("IDENTITY_CLIENT_ID"), identityName: output("IDENTITY_NAME"), siteId: output("SHAREPOINT_SITE_ID") })}`,
      );
    }
    if (options.smoke !== "skip") await smokeTest(output, options);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
