import { paginateGraphQL } from "@octokit/plugin-paginate-graphql";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { RequestError } from "@octokit/request-error";
import { Octokit } from "@octokit/rest";
import { explainForbidden } from "./endpoint-permissions.js";
import { ForeignLinkError } from "./paginate.js";

const GitHub = Octokit.plugin(throttling, retry, paginateGraphQL);
type GitHubOctokit = InstanceType<typeof GitHub>;

/** Where a client's token comes from; `refresh` re-reads it after GitHub answered 401 (rotated token). */
interface TokenSource {
  get(): Promise<string>;
  refresh(): Promise<string>;
}

export interface GitHubClientOptions {
  baseUrl: string;
  /** The `X-GitHub-Api-Version` every request carries (GITHUB_API_VERSION, `2026-03-10` by default). */
  apiVersion: string;
  token: TokenSource;
  /** One throttling id per token, so that one enterprise's limits never slow another's requests. */
  throttleId: string;
  /** Milliseconds per second of GitHub's retry-after and backoff; tests shrink it. */
  retryTimeScaleMs?: number;
  /** Attempts after the first for 5xx, network errors and rate limits. */
  retries?: number;
  log?: (message: string) => void;
}

export interface GitHubClient {
  readonly octokit: GitHubOctokit;
  /** The highest share of the primary rate limit seen in use, in percent (0 before any request). */
  peakRateLimitUsedPercent(): number;
}

// plugin-retry's own list of answers that a retry cannot change, plus 409: an empty repository's
// commits answer it until someone pushes, so asking again within a run only spends the rate limit
// (plugin-paginate-rest special-cases the same 409 in its iterator).
const doNotRetry = [400, 401, 403, 404, 409, 410, 422, 451];

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.retries ?? 3;
  const timeScale = options.retryTimeScaleMs ?? 1000;
  const log = options.log ?? (() => undefined);
  let peakUsedPercent = 0;
  const octokit = new GitHub({
    baseUrl: options.baseUrl,
    userAgent: "github-metrics-collector",
    // @octokit/rest logs every request through console by default, and every failed one (a 401 for
    // each retry) as an error; the collector reports a failure once, with its unit, its own way.
    log: { debug: () => undefined, info: () => undefined, warn: log, error: () => undefined },
    throttle: {
      id: options.throttleId,
      retryAfterBaseValue: timeScale,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: (retryAfter, request, _octokit, retryCount) => {
        log(`GitHub primary rate limit reached on ${request.method} ${request.url}; waiting ${retryAfter}s (attempt ${retryCount + 1}).`);
        return retryCount < retries;
      },
      onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
        log(`GitHub secondary rate limit on ${request.method} ${request.url}; waiting ${retryAfter}s (attempt ${retryCount + 1}).`);
        return retryCount < retries;
      },
    },
    retry: { retries, retryAfterBaseValue: timeScale, doNotRetry },
  });

  const origin = new URL(options.baseUrl).origin;
  octokit.hook.before("request", async (request) => {
    // Pagination follows the absolute URLs of GitHub's link headers: one to another host would get the token.
    if (/^https?:\/\//i.test(request.url) && new URL(request.url).origin !== origin) throw new ForeignLinkError(origin);
    // Octokit has no option for default headers: every request, GraphQL's included, gets the pinned version here.
    request.headers["x-github-api-version"] = options.apiVersion;
    request.headers.authorization = `token ${await options.token.get()}`;
  });
  octokit.hook.after("request", (response) => {
    const limit = Number(response.headers["x-ratelimit-limit"]);
    const remaining = Number(response.headers["x-ratelimit-remaining"]);
    if (limit > 0 && Number.isFinite(remaining)) {
      peakUsedPercent = Math.max(peakUsedPercent, Math.round(((limit - remaining) / limit) * 10_000) / 100);
    }
  });
  // A 403 that is not a rate limit is a missing permission on every endpoint: name the one it needs
  // (from the final URL, whose query string and the token stay out of the message).
  octokit.hook.error("request", (error) => {
    if (!(error instanceof RequestError)) throw error;
    throw explainForbidden(error, error.request.method, error.request.url, ownerOf(error.request.url));
  });
  // A 401 usually means the token in Key Vault was rotated after we cached it: re-read it once.
  octokit.hook.wrap("request", async (request, requestOptions) => {
    try {
      return await request(requestOptions);
    } catch (error) {
      if (!(error instanceof RequestError) || error.status !== 401) throw error;
      await options.token.refresh();
      return request(requestOptions);
    }
  });

  return { octokit, peakRateLimitUsedPercent: () => peakUsedPercent };
}

/** Whom a request was about: the enterprise, the organization or `owner/repo` its path names. */
function ownerOf(url: string): string {
  const segments = new URL(url, "https://api.invalid").pathname.split("/").map(decodeURIComponent);
  if (segments[1] === "repos" && segments.length > 3) return `${segments[2]}/${segments[3]}`;
  const owner = segments[2];
  if (["enterprises", "orgs", "organizations"].includes(segments[1] ?? "") && owner !== undefined) return owner;
  return "the token's user";
}
