import type { GetTokenOptions, TokenCredential } from "@azure/identity";
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";

export const vaultUrl = "https://myvault.vault.azure.net";
const token = "fake-kv-token";

type RecordedRequest = { method: string; url: string; authorization: string | undefined };

/**
 * Key Vault's GET secret as the SDK sees it on the wire: a probe without a token answered by a 401
 * challenge (`@azure/keyvault-common` keyVaultAuthenticationPolicy), then the authorised request.
 * Bodies follow the REST reference (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret).
 */
export function fakeKeyVault(initial: Record<string, string>) {
  const secrets = new Map(Object.entries(initial));
  let versions = 0;
  const versionOf = new Map<string, string>();
  const requests: RecordedRequest[] = [];

  function respond(request: PipelineRequest, status: number, body: unknown, headers: Record<string, string> = {}) {
    const response: PipelineResponse = {
      request,
      status,
      headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8", ...headers }),
      bodyAsText: body === undefined ? "" : JSON.stringify(body),
    };
    return response;
  }

  const httpClient: HttpClient = {
    async sendRequest(request) {
      const authorization = request.headers.get("authorization");
      requests.push({ method: request.method, url: request.url, authorization });
      if (authorization !== `Bearer ${token}`) {
        return respond(
          request,
          401,
          { error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." } },
          {
            "www-authenticate": 'Bearer authorization="https://login.microsoftonline.com/TENANT", resource="https://vault.azure.net"',
          },
        );
      }
      const name = decodeURIComponent(new URL(request.url).pathname.split("/")[2] ?? "");
      const value = secrets.get(name);
      if (value === undefined) {
        return respond(request, 404, {
          error: {
            code: "SecretNotFound",
            message: `A secret with (name/id) ${name} was not found in this key vault.`,
          },
        });
      }
      const version = versionOf.get(name) ?? "";
      return respond(request, 200, {
        value,
        id: `${vaultUrl}/secrets/${name}/${version}`,
        attributes: {
          enabled: true,
          created: 1764460800,
          updated: 1764460800,
          recoveryLevel: "Recoverable+Purgeable",
          recoverableDays: 90,
        },
        tags: {},
      });
    },
  };

  function setSecret(name: string, value: string): void {
    versions += 1;
    secrets.set(name, value);
    versionOf.set(name, versions.toString(16).padStart(32, "0"));
  }
  for (const [name, value] of secrets) setSecret(name, value);

  return { httpClient, requests, setSecret };
}

/** A credential that hands out the token the fake vault accepts, and records what was asked. */
export function fakeCredential() {
  const calls: { scopes: string[]; tenantId: string | undefined }[] = [];
  const credential: TokenCredential = {
    async getToken(scopes: string | string[], options?: GetTokenOptions) {
      calls.push({ scopes: typeof scopes === "string" ? [scopes] : scopes, tenantId: options?.tenantId });
      return { token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
    },
  };
  return { credential, calls };
}
