import type { AccessToken, TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { EntraTokenError, entraPassword } from "../../src/db/entra-password.js";

const minute = 60 * 1000;

/** Hands out token-1, token-2, … each valid for an hour from the fake clock, and records the scopes. */
function fakeCredential(clock: { now: number }, behaviour: () => Promise<AccessToken | null> | undefined = () => undefined) {
  const requests: (string | string[])[] = [];
  const credential: TokenCredential = {
    async getToken(scopes) {
      requests.push(scopes);
      const override = behaviour();
      if (override !== undefined) return override;
      return { token: `token-${requests.length}`, expiresOnTimestamp: clock.now + 60 * minute };
    },
  };
  return { credential, requests };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("entraPassword", () => {
  it("asks for a token for the Azure Database for PostgreSQL scope", async () => {
    const clock = { now: 0 };
    const { credential, requests } = fakeCredential(clock);
    expect(await entraPassword(credential, { now: () => clock.now })()).toBe("token-1");
    expect(requests).toEqual(["https://ossrdbms-aad.database.windows.net/.default"]);
  });

  it("reuses the token for new connections until five minutes before it expires", async () => {
    const clock = { now: 0 };
    const { credential, requests } = fakeCredential(clock);
    const password = entraPassword(credential, { now: () => clock.now });
    const seen = [await password()];
    clock.now = 54 * minute;
    seen.push(await password());
    clock.now = 55 * minute;
    seen.push(await password());
    seen.push(await password());
    expect(seen).toEqual(["token-1", "token-1", "token-2", "token-2"]);
    expect(requests.length).toBe(2);
  });

  it("honours a custom refresh margin", async () => {
    const clock = { now: 0 };
    const { credential } = fakeCredential(clock);
    const password = entraPassword(credential, { now: () => clock.now, refreshMarginMs: 30 * minute });
    await password();
    clock.now = 29 * minute;
    const before = await password();
    clock.now = 30 * minute;
    expect([before, await password()]).toEqual(["token-1", "token-2"]);
  });

  it("lets concurrent connections share one token request", async () => {
    const clock = { now: 0 };
    const { credential, requests } = fakeCredential(clock);
    const password = entraPassword(credential, { now: () => clock.now });
    expect(await Promise.all([password(), password(), password()])).toEqual(["token-1", "token-1", "token-1"]);
    expect(requests.length).toBe(1);
  });

  it("fails with the credential's reason and how to fix it, and tries again on the next connection", async () => {
    const clock = { now: 0 };
    let fail = true;
    const { credential, requests } = fakeCredential(clock, () =>
      fail ? Promise.reject(new Error("ManagedIdentityCredential: no managed identity endpoint found")) : undefined,
    );
    const password = entraPassword(credential, { now: () => clock.now });
    const error = await rejection(password());
    expect(error).toBeInstanceOf(EntraTokenError);
    if (!(error instanceof EntraTokenError)) return;
    expect([error.name, error.scope, error.message]).toEqual([
      "EntraTokenError",
      "https://ossrdbms-aad.database.windows.net/.default",
      "Could not get a Microsoft Entra ID token for PostgreSQL " +
        "(scope https://ossrdbms-aad.database.windows.net/.default): " +
        "ManagedIdentityCredential: no managed identity endpoint found. " +
        "In Azure, give the app a managed identity (AZURE_CLIENT_ID for a user-assigned one) and create its " +
        "database role with pgaadauth_create_principal; locally, run `az login` as a user with a role on the " +
        "server, or set PG_AUTH=password.",
    ]);
    expect(error.cause).toEqual(new Error("ManagedIdentityCredential: no managed identity endpoint found"));
    fail = false;
    expect(await password()).toBe("token-2");
    expect(requests.length).toBe(2);
  });

  it("fails when the credential returns no token", async () => {
    const clock = { now: 0 };
    const { credential } = fakeCredential(clock, () => Promise.resolve(null));
    const error = await rejection(entraPassword(credential)());
    expect(error instanceof EntraTokenError ? error.message : error).toBe(
      "Could not get a Microsoft Entra ID token for PostgreSQL " +
        "(scope https://ossrdbms-aad.database.windows.net/.default): the credential returned no token. " +
        "In Azure, give the app a managed identity (AZURE_CLIENT_ID for a user-assigned one) and create its " +
        "database role with pgaadauth_create_principal; locally, run `az login` as a user with a role on the " +
        "server, or set PG_AUTH=password.",
    );
  });
});
