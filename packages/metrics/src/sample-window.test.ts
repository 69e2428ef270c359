import { describe, expect, it } from "vitest";
import { SampleWindow } from "./sample-window.ts";

describe("SampleWindow", () => {
  it("gives nearest-rank quantiles of one interval's observations, then starts over", () => {
    const w = new SampleWindow(1000);
    for (let i = 100; i >= 1; i--) w.add(i);
    expect(w.count).toBe(100);
    expect(w.drain([0.5, 0.9, 0.95, 0.99])).toEqual([50, 90, 95, 99]);
    expect(w.count).toBe(0);
    expect(w.drain([0.5])).toEqual([]);
    w.add(7);
    expect(w.drain([0.5, 0.99])).toEqual([7, 7]);
  });

  it("keeps a bounded sample but an exact count past its capacity", () => {
    const w = new SampleWindow(100);
    for (let i = 1; i <= 10_000; i++) w.add(i);
    expect(w.count).toBe(10_000);
    const [p50, p99] = w.drain([0.5, 0.99]);
    // A uniform sample of 100 from 1..10000: the median is near 5000 (standard deviation
    // about 500; these bounds are 5 of them), p99 near the top (below 8000 with odds ~1e-8).
    expect(p50).toBeGreaterThan(2500);
    expect(p50).toBeLessThan(7500);
    expect(p99).toBeGreaterThan(8000);
  });
});
