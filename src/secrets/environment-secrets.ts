import { SecretNotFoundError } from "./secret-not-found-error.js";

/**
 * The environment variables that may hold a secret, in order: `github-token-contoso` →
 * GITHUB_TOKEN_CONTOSO, then GITHUB_TOKEN (the token used where no Key Vault is configured).
 */
export function environmentVariablesFor(secretName: string): string[] {
  const own = secretName.toUpperCase().replaceAll("-", "_");
  return secretName.startsWith("github-token") && own !== "GITHUB_TOKEN" ? [own, "GITHUB_TOKEN"] : [own];
}

export function environmentSecrets(env: Record<string, string | undefined>) {
  return async (secretName: string): Promise<string> => {
    const variables = environmentVariablesFor(secretName);
    for (const variable of variables) {
      const value = env[variable];
      // An empty app setting is an unset one.
      if (value !== undefined && value !== "") return value;
    }
    throw new SecretNotFoundError(secretName, { source: "environment", variables });
  };
}
