import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { SecretClient, type SecretClientOptions } from "@azure/keyvault-secrets";
import { z } from "zod";
import { SecretNotFoundError } from "./secret-not-found-error.js";

export type KeyVaultHttpClient = NonNullable<SecretClientOptions["httpClient"]>;

// The SDK throws a RestError; only its status matters here.
const notFound = z.object({ statusCode: z.literal(404) });

/**
 * Reads the latest version of a secret. The credential is DefaultAzureCredential unless given:
 * the managed identity in Azure (role Key Vault Secrets User), `az login` locally.
 */
export function keyVaultSecrets(options: { vaultUrl: string; credential?: TokenCredential; httpClient?: KeyVaultHttpClient }) {
  const client = new SecretClient(
    options.vaultUrl,
    options.credential ?? new DefaultAzureCredential(),
    options.httpClient === undefined ? {} : { httpClient: options.httpClient },
  );
  const location = { source: "key-vault", vaultUrl: options.vaultUrl } as const;

  return async (secretName: string): Promise<string> => {
    let value: string | undefined;
    try {
      ({ value } = await client.getSecret(secretName));
    } catch (error) {
      if (notFound.safeParse(error).success) throw new SecretNotFoundError(secretName, location, { cause: error });
      throw error;
    }
    // A secret created without a value is as useless as a missing one.
    if (value === undefined || value === "") throw new SecretNotFoundError(secretName, location);
    return value;
  };
}
