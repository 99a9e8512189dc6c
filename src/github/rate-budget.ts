import type { GitHubClient } from "./client.js";

/**
 * The run stopped asking GitHub before a primary rate limit fell under its floor. Not a failure:
 * the work left is carried to the next run.
 */
export class RateBudgetExhaustedError extends Error {
  override readonly name = "RateBudgetExhaustedError" as const;
  constructor(
    readonly resource: RateResource,
    readonly remaining: number,
    readonly limit: number,
    readonly floorPercent: number,
  ) {
    super(
      `Stopped before GitHub's ${resource === "graphql" ? "GraphQL (points)" : "REST"} rate limit fell under ${floorPercent}% ` +
        `(${remaining} of ${limit} left this hour); the rest is collected by the next run.`,
    );
  }
}

/**
 * GitHub keeps separate primary limits per resource (`x-ratelimit-resource`): REST's `core` counts
 * requests, `graphql` counts points (a query's `rateLimit.cost`).
 */
export type RateResource = "core" | "graphql";

interface RateState {
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets; what we know is stale after it. */
  resetAt: number;
  inFlight: number;
  /** What one request costs: 1 for REST, the last query's cost for GraphQL. */
  cost: number;
}

// One state per client and resource, i.e. per token (one client per enterprise): every activity of
// a worker that calls GitHub with that token sees the same, latest figures.
const states = new WeakMap<GitHubClient, Map<RateResource, RateState>>();

/** GraphQL's own account of a query: `rateLimit { limit cost remaining resetAt }`. */
interface GraphqlRateLimit {
  limit: number;
  cost: number;
  remaining: number;
  resetAt: string;
}

export interface RateBudget {
  /** Throws RateBudgetExhaustedError when one more request could take the limit under the floor. */
  acquire(resource?: RateResource): void;
  /**
   * Ends a request of `resource` and records the rate-limit headers of its response (or its error's
   * response), under the resource the headers name.
   */
  release(headers: Record<string, unknown> | undefined, resource?: RateResource): void;
  /** Ends a GraphQL query and records the `rateLimit` it answered (undefined when it failed). */
  releaseGraphql(rateLimit: GraphqlRateLimit | undefined): void;
}

/**
 * Keeps each resource's remaining above `floorPercent` of its limit: requests in flight count as
 * spent, so concurrent shards cannot overshoot together. Before the first answer nothing is known,
 * and after the reset time the last figures no longer hold: then requests go ahead.
 */
export function rateBudget(client: GitHubClient, floorPercent: number): RateBudget {
  let byResource = states.get(client);
  if (byResource === undefined) {
    byResource = new Map();
    states.set(client, byResource);
  }
  const resources = byResource;
  const state = (resource: RateResource): RateState => {
    let found = resources.get(resource);
    if (found === undefined) {
      found = { limit: 0, remaining: 0, resetAt: 0, inFlight: 0, cost: 1 };
      resources.set(resource, found);
    }
    return found;
  };
  const record = (current: RateState, limit: number, remaining: number, resetAt: number) => {
    if (!(limit > 0) || !Number.isFinite(remaining)) return;
    // Answers can arrive out of order: within one window the lowest remaining is the latest.
    if (resetAt > current.resetAt || remaining < current.remaining || current.limit === 0) {
      current.limit = limit;
      current.remaining = remaining;
      current.resetAt = Number.isFinite(resetAt) ? resetAt : 0;
    }
  };
  return {
    acquire(resource = "core") {
      const current = state(resource);
      const known = current.limit > 0 && current.resetAt * 1000 > Date.now();
      const floor = Math.ceil((current.limit * floorPercent) / 100);
      if (known && current.remaining - (current.inFlight + 1) * current.cost < floor) {
        throw new RateBudgetExhaustedError(resource, current.remaining, current.limit, floorPercent);
      }
      current.inFlight++;
    },
    release(headers, resource = "core") {
      const current = state(resource);
      current.inFlight = Math.max(0, current.inFlight - 1);
      const named = headers?.["x-ratelimit-resource"];
      const target = named === "graphql" || named === "core" ? state(named) : named === undefined ? current : undefined;
      if (target === undefined) return;
      record(
        target,
        Number(headers?.["x-ratelimit-limit"]),
        Number(headers?.["x-ratelimit-remaining"]),
        Number(headers?.["x-ratelimit-reset"]),
      );
    },
    releaseGraphql(rateLimit) {
      const current = state("graphql");
      current.inFlight = Math.max(0, current.inFlight - 1);
      if (rateLimit === undefined) return;
      current.cost = Math.max(1, rateLimit.cost);
      record(current, rateLimit.limit, rateLimit.remaining, Math.floor(Date.parse(rateLimit.resetAt) / 1000));
    },
  };
}
