import { RequestError } from "@octokit/request-error";
import type { GitHubClient } from "./client.js";
import { findReportKind } from "./copilot-reports.js";
import { GitHubForbiddenError } from "./endpoint-permissions.js";

/** What a message needs to name the setting to fix. */
export interface AccessContext {
  enterprise: string;
  /** GITHUB_API_URL as configured. */
  apiUrl: string;
  /** Where the enterprise's token comes from, e.g. "GITHUB_TOKEN_CONTOSO or GITHUB_TOKEN". */
  tokenSetting: string;
}

export type AccessResult = { ok: true; status: number; scopes?: string[] } | { ok: false; message: string };

/** A first call that gets no answer at all: the URL is wrong, not GitHub slow. */
const connectionFaults = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_INVALID_URL",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UND_ERR_CONNECT_TIMEOUT",
]);
// Long enough for a slow TLS handshake, short enough that a port that never answers fails in seconds.
const firstCallTimeoutMs = 10_000;
const retryPauseMs = 1_000;

/**
 * A configuration fault that no retry cures (missing token, 401, 403 for a missing scope, no answer
 * from GITHUB_API_URL), as one message naming the setting to fix; undefined for anything else
 * (5xx, rate limits, 404), which the run's own retries handle.
 */
function configurationFault(failure: unknown, context: AccessContext): string | undefined {
  // Every 403 reaches here as the client's GitHubForbiddenError; its cause is GitHub's answer.
  const error = failure instanceof GitHubForbiddenError ? failure.cause : failure;
  const who = `Enterprise "${context.enterprise}"`;
  if (error instanceof Error && error.name === "SecretNotFoundError") return `${who}: ${error.message}`;
  if (error instanceof RequestError) {
    if (error.status === 401) {
      return `${who}: GitHub refused its token (401 Bad credentials). Set a valid, unexpired token in ${context.tokenSetting}.`;
    }
    const headers = error.response?.headers ?? {};
    if (error.status === 403 && headers["x-ratelimit-remaining"] !== "0" && headers["retry-after"] === undefined) {
      const granted = headers["x-oauth-scopes"];
      const accepted = headers["x-accepted-oauth-scopes"];
      return (
        `${who}: GitHub refused access to its Copilot usage metrics (403${granted === undefined ? "" : `; the token's scopes: "${granted}"`}). ` +
        `Give the token in ${context.tokenSetting} the scope ${accepted === undefined || accepted === "" ? "manage_billing:copilot or read:enterprise" : accepted} ` +
        `(classic token) or the "Enterprise Copilot metrics" read permission, from an enterprise owner or billing manager, ` +
        `and set the "Copilot usage metrics" policy to enabled.`
      );
    }
  }
  const code = connectionCode(error);
  if (code !== undefined && connectionFaults.has(code)) {
    return `${who}: no answer from GitHub at ${context.apiUrl} (${code}). Check GITHUB_API_URL (https://api.github.com, or https://api.SUBDOMAIN.ghe.com) and the network or proxy.`;
  }
  return undefined;
}

/**
 * One cheap call an enterprise's run starts with (its latest 28-day report's links): a configuration
 * fault stops the enterprise after at most one retry, anything else lets the run go on.
 */
export async function checkEnterpriseAccess(client: GitHubClient, context: AccessContext): Promise<AccessResult> {
  const kind = findReportKind("enterprise", "enterprise-28-day");
  return probe(client, `GET ${kind.path}`, { owner: context.enterprise }, context);
}

/** One GET of `route`, retried once when it got no answer; `scopes` from X-OAuth-Scopes (classic tokens only). */
export async function probe(
  client: GitHubClient,
  route: string,
  parameters: Record<string, string | number>,
  context: AccessContext,
): Promise<AccessResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await client.octokit.request(route, {
        ...parameters,
        request: { retries: 0, signal: AbortSignal.timeout(firstCallTimeoutMs) },
      });
      return { ok: true, status: response.status, ...scopesOf(response.headers["x-oauth-scopes"]) };
    } catch (error) {
      const fault = configurationFault(error, context);
      if (fault === undefined) {
        return error instanceof RequestError && error.status !== 500
          ? { ok: true, status: error.status, ...scopesOf(error.response?.headers["x-oauth-scopes"]) }
          : { ok: true, status: 0 };
      }
      if (attempt >= 2 || connectionCode(error) === undefined) return { ok: false, message: fault };
      await new Promise((resolve) => setTimeout(resolve, retryPauseMs));
    }
  }
}

function scopesOf(header: string | number | undefined): { scopes?: string[] } {
  if (typeof header !== "string") return {};
  return {
    scopes: header
      .split(",")
      .map((scope) => scope.trim())
      .filter((scope) => scope !== ""),
  };
}

/** The system error code under Octokit's RequestError and fetch's TypeError, or TimeoutError for our timeout. */
function connectionCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current.name === "TimeoutError" || current.name === "AbortError") return "UND_ERR_CONNECT_TIMEOUT";
    if ("code" in current && typeof current.code === "string" && current.code !== "") return current.code;
  }
  return undefined;
}
