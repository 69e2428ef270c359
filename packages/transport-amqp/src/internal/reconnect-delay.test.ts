import { describe, expect, it } from "vitest";
import { reconnectDelay } from "./reconnect-delay.ts";

describe("reconnectDelay", () => {
  it("starts at 50-100 ms and doubles up to 5 s, never below half its ceiling", () => {
    expect(reconnectDelay(1, {}, () => 0)).toBe(50);
    expect(reconnectDelay(1, {}, () => 0.999_999)).toBeCloseTo(100, 3);
    expect(reconnectDelay(3, {}, () => 0)).toBe(200);
    expect(reconnectDelay(100, {}, () => 0)).toBe(2_500);
    expect(reconnectDelay(100, {}, () => 0.999_999)).toBeCloseTo(5_000, 1);
  });

  it("takes its own limits", () => {
    expect(reconnectDelay(1, { minDelay: 1_000, maxDelay: 2_000 }, () => 0)).toBe(500);
    expect(reconnectDelay(5, { minDelay: 1_000, maxDelay: 2_000 }, () => 0)).toBe(1_000);
  });
});
