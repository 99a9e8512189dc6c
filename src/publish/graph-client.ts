import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  ResponseType,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { z } from "zod";

/** The fields of a driveItem we read; Graph sends many more. */
export const driveItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  file: z.object({}).optional(),
  folder: z.object({}).optional(),
});

const graphErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff when Graph gives no Retry-After; doubles with each attempt. */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** Throttling (429) and the transient 503/504 that Graph asks clients to retry: https://learn.microsoft.com/graph/throttling */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 503 || status === 504;
}

/** fetch rejects with a TypeError ("fetch failed") when the connection fails; the Graph client wraps it in a GraphError whose `code` is that error's name. */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof GraphError && error.code === "TypeError");
}

/** Graph's Retry-After (seconds, SharePoint sends up to ~300) wins; without one, exponential backoff. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, response?: Response): number {
  const retryAfter = response?.headers.get("retry-after")?.trim();
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const at = retryAfter === undefined ? Number.NaN : Date.parse(retryAfter);
  if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  return policy.baseDelayMs * 2 ** (attempt - 1);
}

/**
 * Repeats `attempt` while it answers 429/503/504 or fails to connect, up to `maxAttempts`. The last
 * response is returned whatever its status, so the caller reports it; the last network failure is thrown.
 */
export async function withRetries(policy: RetryPolicy, attempt: () => Promise<Response>): Promise<Response> {
  for (let n = 1; ; n += 1) {
    let response: Response;
    try {
      response = await attempt();
    } catch (error) {
      if (!isNetworkFailure(error) || n >= policy.maxAttempts) throw error;
      await policy.sleep(retryDelayMs(policy, n));
      continue;
    }
    if (!isTransientStatus(response.status) || n >= policy.maxAttempts) return response;
    await response.body?.cancel();
    await policy.sleep(retryDelayMs(policy, n, response));
  }
}

/** Graph's error code and message from an error response, when its body is Graph's error JSON. */
export async function readGraphError(response: Response): Promise<{ code?: string; message?: string | undefined }> {
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = graphErrorSchema.safeParse(body);
  return parsed.success ? parsed.data.error : {};
}

/**
 * No token for Graph: the credential chain found no identity here, or Azure refused the one it
 * found. One line with the fix, instead of DefaultAzureCredential's whole chain (six credentials,
 * each with its troubleshooting link) repeated for every file.
 */
export class GraphCredentialError extends Error {
  override readonly name = "GraphCredentialError";
}

/** The Graph client turns an error thrown in its middleware into a GraphError whose `code` is the error's name. */
export function isGraphCredentialFailure(error: unknown): boolean {
  return error instanceof GraphCredentialError || (error instanceof GraphError && error.code === "GraphCredentialError");
}

const unavailableNames = new Set(["CredentialUnavailableError", "AggregateAuthenticationError"]);
// AuthenticationError keeps Entra ID's answer in errorResponse: its description says what was refused (AADSTS…).
const failureSchema = z.object({
  name: z.string(),
  message: z.string(),
  errorResponse: z.object({ errorDescription: z.string() }).optional(),
});
const credentialErrorSchema = failureSchema.extend({ errors: z.array(failureSchema).optional() });

/** What went wrong getting a token, as one line with what would fix it; never the token or a URL. */
export function describeCredentialFailure(error: unknown): GraphCredentialError {
  const parsed = credentialErrorSchema.safeParse(error);
  const failures = parsed.success ? (parsed.data.errors ?? [parsed.data]) : [];
  const refused = failures.find((failure) => !unavailableNames.has(failure.name));
  if (failures.length > 0 && refused === undefined) {
    return new GraphCredentialError(
      "No Azure identity is available to get a Microsoft Graph token for SharePoint. On a workstation, run `az login` as someone " +
        "with write access to the site; in Azure, the Function App's managed identity signs in (for a user-assigned identity, set " +
        "AZURE_CLIENT_ID to its client id).",
      { cause: error },
    );
  }
  const said = refused?.errorResponse?.errorDescription ?? refused?.message ?? (error instanceof Error ? error.message : String(error));
  const [firstLine = ""] = said.split("\n");
  const detail = firstLine.trim().replace(/https?:\/\/\S+/g, "<url>");
  return new GraphCredentialError(
    `Azure gave no Microsoft Graph token for SharePoint (${detail}). Run \`az login\` again, or check that AZURE_CLIENT_ID is the managed identity's client id.`,
    { cause: error },
  );
}

/**
 * Asks the credential once for all the requests waiting on it, and answers a failure from memory for
 * `failureMemoryMs`: the datasets of a run publish in parallel, and each would otherwise walk the
 * whole credential chain again (seconds each) only to fail the same way.
 */
function sharedCredential(credential: TokenCredential, failureMemoryMs: number, now: () => number = Date.now): TokenCredential {
  let pending: Promise<AccessToken | null> | undefined;
  let failed: { error: GraphCredentialError; at: number } | undefined;
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions) {
      if (failed !== undefined && now() - failed.at < failureMemoryMs) throw failed.error;
      pending ??= credential.getToken(scopes, options).then(
        (token) => {
          pending = undefined;
          failed = undefined;
          return token;
        },
        (error: unknown) => {
          pending = undefined;
          failed = { error: describeCredentialFailure(error), at: now() };
          throw failed.error;
        },
      );
      return pending;
    },
  };
}

type GraphCall =
  | { method: "GET" | "DELETE"; path: string }
  /** The Blob (from `openAsBlob`) is read from disk as it is sent. */
  | { method: "PUT"; path: string; query: Record<string, string>; body: Blob }
  | { method: "POST"; path: string; body: Record<string, unknown> };

export interface GraphTransport {
  /** Sends a call to `path` under GRAPH_API_URL (segments encoded), retried per the policy; returns any final status. */
  send(call: GraphCall): Promise<Response>;
  /** The `path` for send() of an `@odata.nextLink`; undefined when the link leaves GRAPH_API_URL. */
  pathOfLink(link: string): string | undefined;
}

/** A run's publishing lasts minutes at most; a credential fixed meanwhile (`az login`) is used by the next run. */
const credentialFailureMemoryMs = 5 * 60_000;

export function createGraphTransport(options: { graphApiUrl: string; credential: TokenCredential; policy: RetryPolicy }): GraphTransport {
  const api = new URL(options.graphApiUrl);
  const segments = api.pathname.split("/").filter((segment) => segment !== "");
  const version = segments.pop();
  if (version === undefined) {
    throw new Error(`GRAPH_API_URL must end with the API version, e.g. https://graph.microsoft.com/v1.0`);
  }
  const baseUrl = [api.origin, ...segments].join("/");
  const apiRoot = `${baseUrl}/${version}`;
  // The token's audience is the Graph origin: https://graph.microsoft.com, or a national cloud's own
  // (https://graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn), so the scope follows GRAPH_API_URL.
  const provider = new TokenCredentialAuthenticationProvider(sharedCredential(options.credential, credentialFailureMemoryMs), {
    scopes: [`${api.origin}/.default`],
  });
  const client = Client.initWithMiddleware({
    baseUrl,
    defaultVersion: version,
    middleware: [new GraphAuthMiddleware(provider, api.origin), new HTTPMessageHandler()],
  });

  async function sendOnce(call: GraphCall): Promise<Response> {
    // RAW: every status comes back as a Response instead of a thrown GraphError, so retries and
    // errors are decided here and bodies are parsed with zod.
    const request = client.api(call.path).responseType(ResponseType.RAW);
    let raw: unknown;
    switch (call.method) {
      case "GET":
        raw = await request.get();
        break;
      case "DELETE":
        raw = await request.delete();
        break;
      case "PUT":
        raw = await request.query(call.query).header("Content-Type", "application/octet-stream").put(call.body);
        break;
      case "POST":
        raw = await request.post(call.body);
        break;
    }
    if (!(raw instanceof Response)) throw new Error(`The Graph client returned no HTTP response for ${call.method}`);
    return raw;
  }

  return {
    send: (call) => withRetries(options.policy, () => sendOnce(call)),
    pathOfLink: (link) => (link.startsWith(`${apiRoot}/`) ? link.slice(apiRoot.length) : undefined),
  };
}

/**
 * Attaches the bearer token to requests for GRAPH_API_URL's origin only.
 *
 * The client's own AuthenticationHandler recognises Graph hosts and `customHosts` only in https:// URLs
 * (`isValidEndpoint` in msgraph-sdk-javascript src/GraphRequestUtil.ts) and strips the header from any
 * other URL, so with `customHosts` a GRAPH_API_URL of http://127.0.0.1:PORT/v1.0 (the fake in tests) gets
 * no token at all. Matching the whole origin (scheme, host, port) works for both and is stricter.
 */
class GraphAuthMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly provider: AuthenticationProvider,
    private readonly origin: string,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = requestUrl(context.request);
    const headers = new Headers(context.options?.headers);
    if (new URL(url).origin === this.origin) {
      headers.set("Authorization", `Bearer ${await this.provider.getAccessToken()}`);
    } else {
      headers.delete("Authorization");
    }
    context.options = { ...context.options, headers };
    if (this.next === undefined) throw new Error("GraphAuthMiddleware needs HTTPMessageHandler after it");
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * The Graph client types a request as the DOM's RequestInfo, which Node's types lack, so it arrives
 * untyped; the client hands it to fetch(): a URL string or a Request.
 */
function requestUrl(request: unknown): string {
  if (typeof request === "string") return request;
  if (request instanceof Request) return request.url;
  throw new Error("GraphAuthMiddleware got a request that is neither a URL nor a Request");
}
