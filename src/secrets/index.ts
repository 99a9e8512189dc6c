import type { TokenCredential } from "@azure/identity";
import { registerSecret } from "../telemetry/index.js";
import { environmentSecrets } from "./environment-secrets.js";
import { keyVaultSecrets, type KeyVaultHttpClient } from "./key-vault-secrets.js";

export { environmentVariablesFor } from "./environment-secrets.js";
export { SecretNotFoundError } from "./secret-not-found-error.js";

export interface SecretSource {
  /** The secret's value, read once per process. */
  get(name: string): Promise<string>;
  /** Reads the secret again, e.g. after GitHub answered 401 because the token was rotated. */
  refresh(name: string): Promise<string>;
}

/**
 * Secrets from Key Vault when `keyVaultUrl` is set (KEY_VAULT_URL), else from `env`. Every value read
 * is registered with the telemetry redaction, so it never reaches a log line or telemetry item.
 */
export function createSecretSource(options: {
  keyVaultUrl?: string;
  env: Record<string, string | undefined>;
  credential?: TokenCredential;
  httpClient?: KeyVaultHttpClient;
}): SecretSource {
  const read =
    options.keyVaultUrl === undefined || options.keyVaultUrl === ""
      ? environmentSecrets(options.env)
      : keyVaultSecrets({
          vaultUrl: options.keyVaultUrl,
          ...(options.credential === undefined ? {} : { credential: options.credential }),
          ...(options.httpClient === undefined ? {} : { httpClient: options.httpClient }),
        });

  // Promises, not values: concurrent first reads of a secret share one request.
  const cache = new Map<string, Promise<string>>();

  function load(name: string): Promise<string> {
    const pending = read(name).then((value) => {
      registerSecret(value);
      return value;
    });
    cache.set(name, pending);
    // A failed read is not remembered: the next get tries again.
    pending.catch(() => {
      if (cache.get(name) === pending) cache.delete(name);
    });
    return pending;
  }

  return {
    get: (name) => cache.get(name) ?? load(name),
    refresh: (name) => {
      cache.delete(name);
      return load(name);
    },
  };
}
