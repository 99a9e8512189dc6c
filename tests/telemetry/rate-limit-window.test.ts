import { describe, expect, it } from "vitest";
import { rateLimitWindow } from "../../src/telemetry/index.js";

const hour = 3600;
const headers = (remaining: number, resetAt: number) => ({
  "x-ratelimit-limit": "5000",
  "x-ratelimit-remaining": String(remaining),
  "x-ratelimit-reset": String(resetAt),
});

describe("rateLimitWindow", () => {
  it("reports the highest share used within the open window", () => {
    const window = rateLimitWindow();
    const reset = 1_800_000_000;
    window.observe(headers(4000, reset));
    window.observe(headers(500, reset));
    window.observe(headers(900, reset));
    expect(window.peakPercent((reset - 60) * 1000)).toBe(90);
  });

  it("does not carry a breach into a later run once its window has reset", () => {
    // Yesterday's run used 95 %; the worker lives on, and today's run uses 10 % of a new window.
    const window = rateLimitWindow();
    const yesterday = 1_800_000_000;
    window.observe(headers(250, yesterday));
    expect(window.peakPercent((yesterday - 1) * 1000)).toBe(95);
    expect(window.peakPercent((yesterday + 23 * hour) * 1000)).toBe(0);
    const today = yesterday + 24 * hour;
    window.observe(headers(4500, today));
    expect(window.peakPercent((today - 60) * 1000)).toBe(10);
  });

  it("ignores an answer of an older window that arrives late, and answers without the headers", () => {
    const window = rateLimitWindow();
    const reset = 1_800_000_000;
    window.observe(headers(4000, reset));
    window.observe(headers(10, reset - hour));
    window.observe({ "content-type": "application/json" });
    expect(window.peakPercent((reset - 60) * 1000)).toBe(20);
  });
});
