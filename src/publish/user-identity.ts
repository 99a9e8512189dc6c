import { createHmac } from "node:crypto";
import { csvField, textCell } from "./csv-format.js";

/** USER_IDENTITY (DESIGN §7), with the hash key when it is `hashed`. */
export type UserIdentity = { mode: "login" | "id" | "none" } | { mode: "hashed"; key: string };

/** `u_` and 16 hex digits (64 bits): collisions stay improbable far beyond 100,000 people. */
const pseudonymHexDigits = 16;
/** People per cache; a few hundred thousand covers any tenant, and the cache is per file. */
const cacheLimit = 250_000;

/**
 * The keyed pseudonym of a person: HMAC-SHA256 of the GitHub user id, which survives a change of
 * login, so every file and every run shows the same pseudonym for the same person. Without the key
 * nobody can recompute it from a login or id; another key gives unrelated pseudonyms.
 */
export function pseudonym(key: string, userId: string | number): string {
  const digest = createHmac("sha256", key).update(`github-user:${userId}`).digest("hex");
  return `u_${digest.slice(0, pseudonymHexDigits)}`;
}

/**
 * The encoded field of a `user` column from the id and login the query returned. A person without an id
 * (none of our sources lacks it today) is hashed by lower-cased login, so still never shown.
 */
export function userCellFormatter(identity: UserIdentity): (id: unknown, login: unknown) => string {
  switch (identity.mode) {
    case "login":
      return (_id, login) => (login === null || login === undefined ? "" : csvField(textCell(String(login))));
    case "id":
      return (id) => (id === null || id === undefined ? "" : String(id));
    case "none":
      return () => "";
    case "hashed": {
      // HMAC per cell would cost more than the rest of the row; a person has many rows.
      const cache = new Map<string, string>();
      return (id, login) => {
        const subject = id !== null && id !== undefined ? String(id) : login !== null && login !== undefined ? `login:${String(login).toLowerCase()}` : undefined;
        if (subject === undefined) return "";
        let cell = cache.get(subject);
        if (cell === undefined) {
          if (cache.size >= cacheLimit) cache.clear();
          cell = pseudonym(identity.key, subject);
          cache.set(subject, cell);
        }
        return cell;
      };
    }
  }
}

/**
 * USER_IDENTITY with its key, read once and only when asked for: the key is the setting
 * USER_HASH_KEY, or the Key Vault secret `user-hash-key` when KEY_VAULT_URL is set (DESIGN §7).
 */
export function userIdentitySource(
  settings: { USER_IDENTITY: UserIdentity["mode"]; USER_HASH_KEY?: string | undefined; KEY_VAULT_URL?: string | undefined },
  keyVaultSecret: (name: string) => Promise<string>,
): () => Promise<UserIdentity> {
  let pending: Promise<UserIdentity> | undefined;
  const resolve = async (): Promise<UserIdentity> => {
    const mode = settings.USER_IDENTITY;
    if (mode !== "hashed") return { mode };
    if (settings.KEY_VAULT_URL !== undefined) return { mode, key: await keyVaultSecret("user-hash-key") };
    if (settings.USER_HASH_KEY === undefined) {
      throw new Error("USER_IDENTITY=hashed needs a key: set USER_HASH_KEY, or KEY_VAULT_URL with a secret named user-hash-key.");
    }
    return { mode, key: settings.USER_HASH_KEY };
  };
  return () => {
    pending ??= resolve().catch((error: unknown) => {
      // Not remembered: the next dataset asks Key Vault again.
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
