import { RequestError } from "@octokit/request-error";
import type { GitHubClient } from "./client.js";
import type { RateBudget } from "./rate-budget.js";

export interface GitHubPage {
  notModified: false;
  data: unknown;
  /** The first page's path and query, which its ETag belongs to. */
  firstUrl: string;
  /** The ETag of the first page (undefined on later pages and when GitHub sent none). */
  etag: string | undefined;
  pageNumber: number;
}

/** GitHub answered the conditional first request 304: nothing changed, and it cost no rate limit. */
export interface NotModifiedPage {
  notModified: true;
  firstUrl: string;
}

/** A `link` header pointed somewhere other than the API we asked: following it would send the token there. */
export class ForeignLinkError extends Error {
  override readonly name = "ForeignLinkError" as const;
  constructor(readonly expectedOrigin: string) {
    super(`GitHub's pagination link left ${expectedOrigin}; not following it, so that the token goes nowhere else.`);
  }
}

/** A listing's first-page ETag and the URL it belongs to, kept from the last run. */
export interface Etag {
  value: string;
  url: string;
}

export interface PaginateOptions {
  budget: RateBudget;
  /** Sent as `if-none-match` on the first page when the first page's URL is `etag.url`. */
  etag?: Etag | undefined;
}

/** `path?query` with the query keys in the given order, as the first page's stable identity. */
export function pageUrl(path: string, query: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text === "" ? path : `${path}?${text}`;
}

/**
 * Pages of one listing, following the `link: rel="next"` URLs GitHub returns rather than counting
 * pages (reference §4.2). The caller may stop early (break). Only with an ETag for the first page is
 * the request conditional: then a 304 yields one NotModifiedPage and ends. Every request passes the
 * rate budget first.
 */
export function paginate(
  client: GitHubClient,
  firstUrl: string,
  options: { budget: RateBudget; etag?: undefined },
): AsyncGenerator<GitHubPage>;
export function paginate(client: GitHubClient, firstUrl: string, options: PaginateOptions): AsyncGenerator<GitHubPage | NotModifiedPage>;
export async function* paginate(
  client: GitHubClient,
  firstUrl: string,
  options: PaginateOptions,
): AsyncGenerator<GitHubPage | NotModifiedPage> {
  let url = firstUrl;
  let origin: string | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    const etag = pageNumber === 1 && options.etag?.url === firstUrl ? options.etag.value : undefined;
    let response: JsonResponse;
    try {
      response = await getJson(client, url, options.budget, etag === undefined ? {} : { "if-none-match": etag });
    } catch (error) {
      // Octokit turns a 304 into a RequestError; for a conditional request it is the good news.
      if (etag !== undefined && error instanceof RequestError && error.status === 304) {
        yield { notModified: true, firstUrl };
        return;
      }
      throw error;
    }
    origin ??= new URL(response.url).origin;
    yield {
      notModified: false,
      data: response.data,
      firstUrl,
      etag: pageNumber === 1 ? header(response.headers, "etag") : undefined,
      pageNumber,
    };
    const next = nextLink(header(response.headers, "link"));
    if (next === undefined) return;
    if (new URL(next).origin !== origin) throw new ForeignLinkError(origin);
    url = next;
  }
}

interface JsonResponse {
  data: unknown;
  url: string;
  headers: Record<string, unknown>;
}

/**
 * Every page of an unconditional listing through Octokit's own `paginate.iterator`, each request
 * through the budget. Not for a listing where a 409 means something: the iterator takes a 409 for
 * an empty list (an empty repository's commits), and not where an ETag can save the call.
 */
export async function* listPages(client: GitHubClient, firstUrl: string, budget: RateBudget): AsyncGenerator {
  const pages = client.octokit.paginate.iterator<unknown>({ method: "GET", url: firstUrl })[Symbol.asyncIterator]();
  for (;;) {
    budget.acquire();
    let next: IteratorResult<{ data: unknown; headers: Record<string, unknown> }>;
    try {
      next = await pages.next();
    } catch (error) {
      budget.release(error instanceof RequestError ? error.response?.headers : undefined);
      throw error;
    }
    if (next.done === true) {
      budget.release(undefined);
      return;
    }
    budget.release(next.value.headers);
    yield next.value.data;
  }
}

/** One GET through the budget; errors, a 304 among them, propagate as RequestError. */
export async function getJson(
  client: GitHubClient,
  url: string,
  budget: RateBudget,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  budget.acquire();
  try {
    const response = await client.octokit.request<unknown>({ method: "GET", url, headers });
    budget.release(response.headers);
    return { data: response.data, url: response.url, headers: response.headers };
  } catch (error) {
    budget.release(error instanceof RequestError ? error.response?.headers : undefined);
    throw error;
  }
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value : undefined;
}

function nextLink(link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  for (const part of link.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match !== null) return match[1];
  }
  return undefined;
}
