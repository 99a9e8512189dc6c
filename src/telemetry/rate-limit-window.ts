/**
 * The highest share of GitHub's primary rate limit used within the current rate-limit window, from
 * the `x-ratelimit-*` headers of each answer. GitHub's primary limit resets every hour
 * (`x-ratelimit-reset`, epoch seconds), so a breach belongs to its window: a worker that lives on
 * into the next day's run must not send yesterday's 95 % again and re-fire the alert.
 */
export interface RateLimitWindow {
  /** Records one answer's headers; answers without rate-limit headers are ignored. */
  observe(headers: Record<string, unknown>): void;
  /** The peak of the window still open at `now`, in percent; 0 when this worker saw none of it. */
  peakPercent(now: number): number;
}

export function rateLimitWindow(): RateLimitWindow {
  let resetAt = 0;
  let peak = 0;
  return {
    observe(headers) {
      const limit = Number(headers["x-ratelimit-limit"]);
      const remaining = Number(headers["x-ratelimit-remaining"]);
      const reset = Number(headers["x-ratelimit-reset"]);
      if (!(limit > 0) || !Number.isFinite(remaining) || !Number.isFinite(reset)) return;
      // A later reset time is a new window; an answer of an older one (out of order) is stale.
      if (reset > resetAt) {
        resetAt = reset;
        peak = 0;
      } else if (reset < resetAt) {
        return;
      }
      peak = Math.max(peak, Math.round(((limit - remaining) / limit) * 10_000) / 100);
    },
    peakPercent(now) {
      return resetAt * 1000 > now ? peak : 0;
    },
  };
}
