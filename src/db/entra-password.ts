import type { AccessToken, TokenCredential } from "@azure/identity";

/** Azure Database for PostgreSQL accepts Entra ID access tokens for this resource as passwords. */
const postgresTokenScope = "https://ossrdbms-aad.database.windows.net/.default";

/** No Entra ID token for PostgreSQL could be had, so no new connection can log in. */
export class EntraTokenError extends Error {
  override readonly name = "EntraTokenError" as const;
  readonly scope = postgresTokenScope;

  constructor(options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : "the credential returned no token";
    super(
      `Could not get a Microsoft Entra ID token for PostgreSQL (scope ${postgresTokenScope}): ${reason}. ` +
        "In Azure, give the app a managed identity (AZURE_CLIENT_ID for a user-assigned one) and create its " +
        "database role with pgaadauth_create_principal; locally, run `az login` as a user with a role on the " +
        "server, or set PG_AUTH=password.",
      options,
    );
  }
}

/**
 * A `password` function for `pg`, which calls it for every new connection. The token is reused until
 * `refreshMarginMs` (default 5 minutes) before it expires, so no connection starts with a token that
 * runs out during its login; concurrent connects share one token request.
 */
export function entraPassword(
  credential: TokenCredential,
  options: { refreshMarginMs?: number; now?: () => number } = {},
): () => Promise<string> {
  const refreshMarginMs = options.refreshMarginMs ?? 5 * 60 * 1000;
  const now = options.now ?? Date.now;
  let current: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;

  async function fetchToken(): Promise<AccessToken> {
    let token: AccessToken | null;
    try {
      token = await credential.getToken(postgresTokenScope);
    } catch (error) {
      throw new EntraTokenError({ cause: error });
    }
    if (token === null) throw new EntraTokenError({ cause: undefined });
    return token;
  }

  return async () => {
    if (current !== undefined && current.expiresOnTimestamp - refreshMarginMs > now()) return current.token;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    current = await pending;
    return current.token;
  };
}
