import { createHmac } from "node:crypto";

/** USER_IDENTITY (README, settings), with the hash key when it is `hashed`. */
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
function pseudonym(key: string, subject: string): string {
  const digest = createHmac("sha256", key).update(`github-user:${subject}`).digest("hex");
  return `u_${digest.slice(0, pseudonymHexDigits)}`;
}

/**
 * The pseudonyms of one file's people as the bytes of their cells, remembered: HMAC per cell would
 * cost more than the rest of the row, and a person has many rows. A person is their GitHub user id
 * (a number); one without an id (none of our sources lacks it today) is their login (a string),
 * hashed lower-cased, so still never shown.
 */
export function pseudonyms(key: string): (person: number | string) => Buffer {
  const cache = new Map<number | string, Buffer>();
  return (person) => {
    let cell = cache.get(person);
    if (cell === undefined) {
      if (cache.size >= cacheLimit) cache.clear();
      const subject = typeof person === "number" ? String(person) : `login:${person.toLowerCase()}`;
      cell = Buffer.from(pseudonym(key, subject), "latin1");
      cache.set(person, cell);
    }
    return cell;
  };
}

/**
 * USER_IDENTITY with its key, read once and only when asked for: the key is the setting
 * USER_HASH_KEY, or the Key Vault secret `user-hash-key` when KEY_VAULT_URL is set.
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
