import { describe, expect, it } from "vitest";
import { exponentialBackoff } from "./backoff.ts";

describe("exponentialBackoff", () => {
  it("doubles the cap after each failure, up to max", () => {
    const top = exponentialBackoff({ base: 100, max: 1_000, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6, 60].map(top)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it("waits a random time between 0 and the cap (full jitter)", () => {
    const half = exponentialBackoff({ base: 100, max: 1_000, random: () => 0.5 });
    expect([1, 2, 3].map(half)).toEqual([50, 100, 200]);
    expect(exponentialBackoff({ random: () => 0 })(3)).toBe(0);
  });

  it("stays within bounds with the default random source", () => {
    const delay = exponentialBackoff();
    for (let attempt = 1; attempt <= 20; attempt++) {
      const ms = delay(attempt);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(30_000, 100 * 2 ** (attempt - 1)));
    }
  });

  it("refuses a negative base or max", () => {
    expect(() => exponentialBackoff({ base: -1 })).toThrow(RangeError);
    expect(() => exponentialBackoff({ max: Number.NaN })).toThrow(RangeError);
  });
});
