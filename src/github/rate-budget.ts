import type { GitHubClient } from "./client.js";

/**
 * The run stopped asking GitHub before the primary rate limit fell under its floor. Not a failure:
 * the work left is carried to the next run.
 */
export class RateBudgetExhaustedError extends Error {
  override readonly name = "RateBudgetExhaustedError" as const;
  constructor(
    readonly remaining: number,
    readonly limit: number,
    readonly floorPercent: number,
  ) {
    super(
      `Stopped before GitHub's rate limit fell under ${floorPercent}% (${remaining} of ${limit} requests left this hour); ` +
        "the rest is collected by the next run.",
    );
  }
}

interface RateState {
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets; what we know is stale after it. */
  resetAt: number;
  inFlight: number;
}

// One state per client, i.e. per token (one client per enterprise): every activity of a worker
// that calls GitHub with that token sees the same, latest figures.
const states = new WeakMap<GitHubClient, RateState>();

export interface RateBudget {
  /** Throws RateBudgetExhaustedError when one more request could take the limit under the floor. */
  acquire(): void;
  /** Records the rate-limit headers of a response (or of an error's response) and ends the request. */
  release(headers: Record<string, unknown> | undefined): void;
}

/**
 * Keeps `x-ratelimit-remaining` above `floorPercent` of the limit: requests in flight count as
 * spent, so concurrent shards cannot overshoot together. Before the first answer nothing is known,
 * and after the reset time the last figures no longer hold: then requests go ahead.
 */
export function rateBudget(client: GitHubClient, floorPercent: number): RateBudget {
  let state = states.get(client);
  if (state === undefined) {
    state = { limit: 0, remaining: 0, resetAt: 0, inFlight: 0 };
    states.set(client, state);
  }
  const current = state;
  return {
    acquire() {
      const known = current.limit > 0 && current.resetAt * 1000 > Date.now();
      const floor = Math.ceil((current.limit * floorPercent) / 100);
      if (known && current.remaining - current.inFlight - 1 < floor) {
        throw new RateBudgetExhaustedError(current.remaining, current.limit, floorPercent);
      }
      current.inFlight++;
    },
    release(headers) {
      current.inFlight = Math.max(0, current.inFlight - 1);
      const limit = Number(headers?.["x-ratelimit-limit"]);
      const remaining = Number(headers?.["x-ratelimit-remaining"]);
      const resetAt = Number(headers?.["x-ratelimit-reset"]);
      if (!(limit > 0) || !Number.isFinite(remaining)) return;
      // Answers can arrive out of order: within one window the lowest remaining is the latest.
      if (resetAt > current.resetAt || remaining < current.remaining || current.limit === 0) {
        current.limit = limit;
        current.remaining = remaining;
        current.resetAt = Number.isFinite(resetAt) ? resetAt : 0;
      }
    },
  };
}
