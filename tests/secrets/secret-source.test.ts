import { describe, expect, it } from "vitest";
import { createSecretSource, SecretNotFoundError } from "../../src/secrets/index.js";
import { redact } from "../../src/telemetry/index.js";
import { fakeCredential, fakeKeyVault, vaultUrl } from "./fake-key-vault.js";

// The SDK percent-encodes the hyphen in api-version; the service accepts it.
const secretUrl = (name: string) => `${vaultUrl}/secrets/${name}/?api%2Dversion=2025-07-01`;

function keyVaultSource(secrets: Record<string, string>) {
  const vault = fakeKeyVault(secrets);
  const { credential, calls } = fakeCredential();
  const source = createSecretSource({ keyVaultUrl: vaultUrl, env: {}, credential, httpClient: vault.httpClient });
  return { source, vault, tokenRequests: calls };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("createSecretSource with Key Vault", () => {
  it("answers the challenge with a token for the vault and reads the secret", async () => {
    const { source, vault, tokenRequests } = keyVaultSource({ "github-token-contoso": "kv-token-value-1" });
    expect(await source.get("github-token-contoso")).toBe("kv-token-value-1");
    expect(vault.requests).toEqual([
      { method: "GET", url: secretUrl("github-token-contoso"), authorization: undefined },
      { method: "GET", url: secretUrl("github-token-contoso"), authorization: "Bearer fake-kv-token" },
    ]);
    expect(tokenRequests).toEqual([{ scopes: ["https://vault.azure.net/.default"], tenantId: "TENANT" }]);
  });

  it("reads a secret once however often and however concurrently it is asked for", async () => {
    const { source, vault } = keyVaultSource({ "github-token-contoso": "kv-token-value-2" });
    const values = await Promise.all([source.get("github-token-contoso"), source.get("github-token-contoso")]);
    values.push(await source.get("github-token-contoso"));
    expect(values).toEqual(["kv-token-value-2", "kv-token-value-2", "kv-token-value-2"]);
    expect(vault.requests.filter((request) => request.authorization !== undefined)).toEqual([
      { method: "GET", url: secretUrl("github-token-contoso"), authorization: "Bearer fake-kv-token" },
    ]);
  });

  it("refresh reads the rotated value and later reads return it", async () => {
    const { source, vault } = keyVaultSource({ "github-token-contoso": "kv-token-before" });
    expect(await source.get("github-token-contoso")).toBe("kv-token-before");
    vault.setSecret("github-token-contoso", "kv-token-after");
    expect(await source.get("github-token-contoso")).toBe("kv-token-before");
    expect(await source.refresh("github-token-contoso")).toBe("kv-token-after");
    expect(await source.get("github-token-contoso")).toBe("kv-token-after");
    expect(vault.requests).toEqual([
      { method: "GET", url: secretUrl("github-token-contoso"), authorization: undefined },
      { method: "GET", url: secretUrl("github-token-contoso"), authorization: "Bearer fake-kv-token" },
      { method: "GET", url: secretUrl("github-token-contoso"), authorization: "Bearer fake-kv-token" },
    ]);
  });

  it("reports a missing secret with the command that creates it", async () => {
    const { source } = keyVaultSource({ "github-token-other": "kv-token-value-3" });
    const error = await rejection(source.get("github-token-contoso"));
    expect(error).toBeInstanceOf(SecretNotFoundError);
    if (!(error instanceof SecretNotFoundError)) return;
    expect([error.name, error.secretName, error.source, error.message]).toEqual([
      "SecretNotFoundError",
      "github-token-contoso",
      "key-vault",
      'Secret "github-token-contoso" was not found in Key Vault https://myvault.vault.azure.net (KEY_VAULT_URL). ' +
        "Create it: az keyvault secret set --vault-name myvault --name github-token-contoso --value <value>",
    ]);
    expect(error.cause).toMatchObject({ name: "RestError", statusCode: 404 });
  });

  it("does not remember a missing secret, so it is found once created", async () => {
    const { source, vault } = keyVaultSource({});
    await rejection(source.get("user-hash-key"));
    vault.setSecret("user-hash-key", "kv-hash-key-value");
    expect(await source.get("user-hash-key")).toBe("kv-hash-key-value");
  });

  it("masks a value read from Key Vault in everything redacted afterwards", async () => {
    const { source } = keyVaultSource({ "user-hash-key": "kv-hash-key-8d1e40" });
    await source.get("user-hash-key");
    expect(redact("hashing with kv-hash-key-8d1e40")).toBe("hashing with ***");
  });
});

describe("createSecretSource without Key Vault", () => {
  it("maps a secret name to its upper-case environment variable", async () => {
    const source = createSecretSource({
      env: { GITHUB_TOKEN_CONTOSO: "env-token-contoso", USER_HASH_KEY: "env-hash-key", GITHUB_TOKEN: "env-token" },
    });
    expect([await source.get("github-token-contoso"), await source.get("user-hash-key")]).toEqual(["env-token-contoso", "env-hash-key"]);
  });

  it("falls back to GITHUB_TOKEN for a GitHub token secret without its own variable", async () => {
    const source = createSecretSource({ env: { GITHUB_TOKEN: "env-token-shared", GITHUB_TOKEN_CONTOSO: "" } });
    expect(await source.get("github-token-contoso")).toBe("env-token-shared");
  });

  it("reads the environment again on refresh", async () => {
    const env: Record<string, string | undefined> = { GITHUB_TOKEN: "env-token-old" };
    const source = createSecretSource({ env });
    expect(await source.get("github-token")).toBe("env-token-old");
    env.GITHUB_TOKEN = "env-token-new";
    expect([await source.get("github-token"), await source.refresh("github-token")]).toEqual(["env-token-old", "env-token-new"]);
  });

  it("reports a missing GitHub token with both variables it looked for and no value", async () => {
    const source = createSecretSource({ env: { GITHUB_TOKEN_FABRIKAM: "env-token-fabrikam" } });
    const error = await rejection(source.get("github-token-contoso"));
    expect(error).toBeInstanceOf(SecretNotFoundError);
    if (!(error instanceof SecretNotFoundError)) return;
    expect([error.secretName, error.source, error.message]).toEqual([
      "github-token-contoso",
      "environment",
      'Secret "github-token-contoso" is not set: no environment variable GITHUB_TOKEN_CONTOSO or GITHUB_TOKEN. ' +
        "Set GITHUB_TOKEN_CONTOSO (or GITHUB_TOKEN for all of them) in the environment or .env, " +
        "or set KEY_VAULT_URL to read it from Key Vault.",
    ]);
  });

  it("reports a missing hash key with its one variable", async () => {
    const error = await rejection(createSecretSource({ env: {} }).get("user-hash-key"));
    expect(error instanceof Error ? error.message : error).toBe(
      'Secret "user-hash-key" is not set: no environment variable USER_HASH_KEY. ' +
        "Set USER_HASH_KEY in the environment or .env, or set KEY_VAULT_URL to read it from Key Vault.",
    );
  });
});
