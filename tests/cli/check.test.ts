import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeToken, ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { startFakeKeyVault, type KeyVaultServer } from "../fakes/key-vault-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { spawnCli } from "./spawn-cli.js";

// Each test spawns the CLI, which loads its SDKs: minutes on a loaded machine, seconds on an idle one.
describe("metrics-collector check", { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let github: GitHubServer;
  let folder: string;
  const table = new ReportTable()
    .files("enterprise", "contoso", "enterprise-28-day", "latest", ["{}\n"], { firstDay: "2026-10-28", lastDay: "2026-11-24" })
    .files("organization", "contoso-web", "organization-28-day", "latest", ["{}\n"], { firstDay: "2026-10-28", lastDay: "2026-11-24" });

  let vault: KeyVaultServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGitHub(table);
    vault = await startFakeKeyVault({
      vaultName: "contoso-metrics",
      secrets: { "github-token-contoso": fakeToken, "user-hash-key": "a-user-hash-key-of-32-characters" },
      forbidden: ["github-token-fabrikam"],
    });
    folder = await mkdtemp(path.join(tmpdir(), "cli-check-"));
    await writeFile(path.join(folder, "a-file"), "not a folder");
  });
  afterAll(async () => {
    await github.close();
    await vault.close();
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  const env = (overrides: Record<string, string> = {}) => ({
    ENTERPRISES: JSON.stringify([{ slug: "contoso", orgs: ["contoso-web"] }]),
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: fakeToken,
    DATABASE_URL: database.url,
    OUTPUT_DIR: path.join(folder, "out"),
    ...overrides,
  });
  const checkLines = (out: string) =>
    out
      .split("\n")
      .filter((line) => /^(ok|FIX) /.test(line))
      .map((line) => line.replace(/PostgreSQL \d[\d.]*( \(.*\))?/, "PostgreSQL N"));

  it("prints one ok line per check and exits 0 when a run has everything it needs, collecting nothing", async () => {
    const before = github.requests.length;
    const result = await spawnCli(["check"], { cwd: folder, env: env() });
    expect(checkLines(result.out)).toEqual([
      "ok    settings: read from the environment and .env",
      "ok    Key Vault: KEY_VAULT_URL not set: secrets come from the environment and .env",
      "ok    contoso token: found in GITHUB_TOKEN",
      `ok    contoso GitHub ${github.url}, enterprise Copilot metrics: answered 200`,
      "ok    contoso/contoso-web organization Copilot metrics: answered 200",
      "ok    contoso/contoso-web Copilot seats: answered 200",
      "ok    contoso/contoso-web repositories: answered 200",
      expect.stringMatching(/^ok {4}PostgreSQL: PostgreSQL at .*, PostgreSQL N$/),
      `ok    publish target: folder ${path.join(folder, "out")} is writable`,
    ]);
    expect(result.code).toBe(0);
    // One cheap call per endpoint, no report file downloaded, nothing left in the output folder or the database.
    expect(github.requests.slice(before).map((request) => request.path)).toEqual([
      "/enterprises/contoso/copilot/metrics/reports/enterprise-28-day/latest",
      "/orgs/contoso-web/copilot/metrics/reports/organization-28-day/latest",
      "/orgs/contoso-web/copilot/billing/seats",
      "/orgs/contoso-web/repos",
    ]);
    expect(await readdir(path.join(folder, "out"))).toEqual([]);
    const runs = await database.pool.query("select count(*)::int as runs from collection_runs");
    expect(runs.rows).toEqual([{ runs: 0 }]);
  });

  it("says what to fix for each failing check and exits 2", async () => {
    const result = await spawnCli(["check"], {
      cwd: folder,
      env: env({
        GITHUB_TOKEN: "",
        ENTERPRISES: JSON.stringify([{ slug: "contoso", orgs: [] }]),
        OUTPUT_DIR: path.join(folder, "a-file", "out"),
      }),
    });
    const lines = checkLines(result.out);
    expect(lines.slice(0, 4)).toEqual([
      "ok    settings: read from the environment and .env",
      "ok    Key Vault: KEY_VAULT_URL not set: secrets come from the environment and .env",
      'FIX   contoso token: Secret "github-token" is not set: no environment variable GITHUB_TOKEN. Set GITHUB_TOKEN in the environment or .env, or set KEY_VAULT_URL to read it from Key Vault.',
      `FIX   contoso GitHub ${github.url}, enterprise Copilot metrics: not checked: the token is missing (see above).`,
    ]);
    expect(lines[5]).toMatch(/^FIX {3}publish target: .*a-file/);
    expect(result.out).toContain("3 of 6 checks failed");
    expect(result.code).toBe(2);
  });

  // The Key Vault answers through the fake: the collector's own SecretClient and DefaultAzureCredential
  // (App Service managed identity), over the wire, offline.
  const vaultEnv = (enterprises: unknown[], overrides: Record<string, string> = {}) =>
    env({
      ENTERPRISES: JSON.stringify(enterprises),
      GITHUB_TOKEN: "",
      ...vault.clientEnv,
      ...overrides,
    });

  it("reads every secret a run needs from Key Vault on its own line, before the tokens are used", async () => {
    const before = vault.requests.length;
    const result = await spawnCli(["check"], {
      cwd: folder,
      env: vaultEnv([{ slug: "contoso", orgs: ["contoso-web"], tokenSecret: "github-token-contoso" }], { USER_IDENTITY: "hashed" }),
    });
    const lines = checkLines(result.out);
    expect(lines.slice(0, 3)).toEqual([
      "ok    settings: read from the environment and .env",
      `ok    Key Vault ${vault.vaultUrl}: answers; secrets github-token-contoso, user-hash-key readable`,
      'ok    contoso token: found in the Key Vault secret "github-token-contoso" (KEY_VAULT_URL)',
    ]);
    expect(result.code).toBe(0);
    // The SDK's challenge first, then the token from the managed identity, then each secret once.
    expect(vault.requests.slice(before)).toEqual([
      { secret: "github-token-contoso", status: 401 },
      { secret: "token", status: 200 },
      { secret: "github-token-contoso", status: 200 },
      { secret: "user-hash-key", status: 200 },
    ]);
  });

  it("names the missing secret with the command that creates it, and the role a forbidden read lacks", async () => {
    const result = await spawnCli(["check"], {
      cwd: folder,
      env: vaultEnv([
        { slug: "contoso", orgs: [], tokenSecret: "github-token-missing" },
        { slug: "fabrikam", orgs: [], tokenSecret: "github-token-fabrikam" },
      ]),
    });
    expect(checkLines(result.out)[1]).toBe(
      `FIX   Key Vault ${vault.vaultUrl}: Secret "github-token-missing" was not found in Key Vault ${vault.vaultUrl} (KEY_VAULT_URL). ` +
        "Create it: az keyvault secret set --vault-name contoso-metrics --name github-token-missing --value <value>",
    );
    expect(result.code).toBe(2);
    const forbidden = await spawnCli(["check"], {
      cwd: folder,
      env: vaultEnv([{ slug: "fabrikam", orgs: [], tokenSecret: "github-token-fabrikam" }]),
    });
    expect(checkLines(forbidden.out)[1]).toBe(
      `FIX   Key Vault ${vault.vaultUrl}: Key Vault answered 403 for secret "github-token-fabrikam": give the identity that runs the collector ` +
        "(az login locally, the Function App's managed identity in Azure) the role Key Vault Secrets User on the vault.",
    );
    expect(forbidden.code).toBe(2);
  });
});
