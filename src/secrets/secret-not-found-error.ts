export type SecretLocation = { source: "key-vault"; vaultUrl: string } | { source: "environment"; variables: readonly string[] };

function messageFor(secretName: string, location: SecretLocation): string {
  if (location.source === "key-vault") {
    const vaultName = new URL(location.vaultUrl).hostname.split(".")[0] ?? location.vaultUrl;
    return (
      `Secret "${secretName}" was not found in Key Vault ${location.vaultUrl} (KEY_VAULT_URL). ` +
      `Create it: az keyvault secret set --vault-name ${vaultName} --name ${secretName} --value <value>`
    );
  }
  const [first, ...fallbacks] = location.variables;
  const fallbackNote = fallbacks.length === 0 ? "" : ` (or ${fallbacks.join(", ")} for all of them)`;
  return (
    `Secret "${secretName}" is not set: no environment variable ${location.variables.join(" or ")}. ` +
    `Set ${first}${fallbackNote} in the environment or .env, or set KEY_VAULT_URL to read it from Key Vault.`
  );
}

/** A secret the configuration names does not exist where we looked. The message never holds a value. */
export class SecretNotFoundError extends Error {
  override readonly name = "SecretNotFoundError" as const;
  readonly secretName: string;
  readonly source: SecretLocation["source"];

  constructor(secretName: string, location: SecretLocation, options?: { cause?: unknown }) {
    super(messageFor(secretName, location), options);
    this.secretName = secretName;
    this.source = location.source;
  }
}
