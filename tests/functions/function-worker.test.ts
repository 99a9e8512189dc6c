import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/index.js";
import { openDatabase } from "../../src/db/index.js";
import { createFunctionWorker } from "../../src/app/function-worker.js";
import { checkHealth } from "../../src/app/health.js";
import { createSecretSource } from "../../src/secrets/index.js";
import { fakeCredential, fakeKeyVault, vaultUrl } from "../secrets/fake-key-vault.js";
import { ReportTable, startFakeGitHub, type GitHubServer } from "../fakes/github-server.js";
import { enterpriseDay } from "../fixtures/official-examples.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const oldToken = "ghp_beforeRotation00000000000000000000000";
const newToken = "ghp_afterRotation000000000000000000000000";
const unit = {
  enterprise: "contoso",
  scope: "enterprise",
  organization: "",
  report: "enterprise-1-day",
  series: "enterprise-1-day",
  days: ["2026-11-20"],
  runId: "collect-2026-11-25",
};

describe("the Functions worker runtime with secrets in Key Vault", () => {
  let database: TestDatabase;
  let github: GitHubServer;

  beforeAll(async () => {
    const table = new ReportTable().files("enterprise", "contoso", "enterprise-1-day", "2026-11-20", [
      JSON.stringify(enterpriseDay("2026-11-20")) + "\n",
    ]);
    // GitHub accepts only the rotated token.
    [database, github] = await Promise.all([createTestDatabase(), startFakeGitHub(table, { token: newToken })]);
  });
  afterAll(async () => {
    await Promise.all([github.close(), database.drop()]);
  });

  function worker(secrets: ReturnType<typeof createSecretSource>) {
    return createFunctionWorker(
      {
        ENTERPRISES: '[{"slug":"contoso","orgs":[],"tokenSecret":"github-token-contoso"}]',
        DATABASE_URL: database.url,
        GITHUB_API_URL: github.url,
        KEY_VAULT_URL: vaultUrl,
      },
      { secrets, retryTimeScaleMs: 1, telemetry: silentTelemetry() },
    );
  }

  it("reads the token from Key Vault once, and again after GitHub answers 401 to a rotated token", async () => {
    const vault = fakeKeyVault({ "github-token-contoso": oldToken });
    const secrets = createSecretSource({
      keyVaultUrl: vaultUrl,
      env: {},
      credential: fakeCredential().credential,
      httpClient: vault.httpClient,
    });
    const functions = worker(secrets);
    try {
      // The worker's cache holds the old token when the vault's secret is rotated.
      expect(await secrets.get("github-token-contoso")).toBe(oldToken);
      vault.setSecret("github-token-contoso", newToken);

      expect(await functions.activity("ingestReport")(unit)).toEqual({ ok: true, status: "ok", records: 1, daysCollected: 1 });
      const apiCalls = github.requests.filter((request) => !request.path.startsWith("/downloads/"));
      expect(apiCalls.map((request) => request.authorization)).toEqual([`token ${oldToken}`, `token ${newToken}`]);
      // One read, one refresh: each an unauthenticated probe answered by the challenge, then the read.
      expect(vault.requests.filter((request) => request.authorization !== undefined)).toHaveLength(2);

      // Later requests use the refreshed token straight away.
      await functions.activity("ingestReport")(unit);
      expect(
        github.requests
          .filter((request) => !request.path.startsWith("/downloads/"))
          .map((request) => request.authorization)
          .slice(2),
      ).toEqual([`token ${newToken}`]);
      expect(vault.requests.filter((request) => request.authorization !== undefined)).toHaveLength(2);
    } finally {
      await functions.close();
    }
  });

  it("opens its runtime once per worker, on the first call, and answers the health check from the same pool", async () => {
    const vault = fakeKeyVault({ "github-token-contoso": newToken });
    const functions = worker(
      createSecretSource({ keyVaultUrl: vaultUrl, env: {}, credential: fakeCredential().credential, httpClient: vault.httpClient }),
    );
    try {
      const [first, second] = await Promise.all([functions.pool(), functions.pool()]);
      expect(first).toBe(second);
      const health = await checkHealth(functions.pool, [{ slug: "contoso", orgs: [] }], new Date());
      expect(health.jsonBody.database).toBe("reachable");
    } finally {
      await functions.close();
    }
  });

  it("names an unknown activity and what the pipeline has", async () => {
    const functions = worker(createSecretSource({ env: { GITHUB_TOKEN: newToken } }));
    try {
      await expect(functions.activity("sendEmail")({})).rejects.toThrow(
        /^No activity named "sendEmail"; the pipeline has startRun, checkAccess, planUnits, ingestReport/,
      );
    } finally {
      await functions.close();
    }
  });
});

describe("PostgreSQL in Azure (PG_AUTH=entra)", () => {
  it("logs in with a managed-identity token as the password, asked for per connection, over verified TLS", async () => {
    const settings = parseSettings({
      PGHOST: "contoso-metrics.postgres.database.azure.com",
      PGUSER: "id-metrics",
      PGDATABASE: "metrics",
      PG_AUTH: "entra",
    });
    let tokens = 0;
    const database = await openDatabase(settings, { embeddedDataDir: "unused", entraPassword: async () => `token-${++tokens}` });
    try {
      const options = database.pool.options;
      expect({ host: options.host, user: options.user, database: options.database, ssl: options.ssl }).toEqual({
        host: "contoso-metrics.postgres.database.azure.com",
        user: "id-metrics",
        database: "metrics",
        ssl: { rejectUnauthorized: true },
      });
      const password = options.password;
      if (typeof password !== "function") throw new Error("expected the password to be a function");
      // pg calls it for every new physical connection, so each gets a current token.
      expect([await password(), await password()]).toEqual(["token-1", "token-2"]);
    } finally {
      await database.close();
    }
  });
});

function silentTelemetry() {
  const telemetry = {
    event: () => undefined,
    metric: () => undefined,
    exception: () => undefined,
    withOperation: () => telemetry,
    flush: async () => undefined,
  };
  return telemetry;
}
