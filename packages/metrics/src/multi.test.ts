import { describe, expect, it, vi } from "vitest";
import { memory } from "./memory.ts";
import { multi } from "./multi.ts";
import { provider } from "./provider.ts";

describe("multi", () => {
  it("declares on every provider and records every value on all of them", () => {
    const a = memory();
    const b = memory();
    const metrics = multi(a, b);
    const requests = metrics.counter({ name: "requests_total", help: "R.", labels: ["code"] });
    requests.with({ code: "ok" }).add(2);
    const queued = metrics.gauge({ name: "queued", help: "Q." });
    queued.set(4);
    queued.add(1);
    metrics.histogram({ name: "h", help: "H.", labels: ["route"], buckets: [1] }).with({ route: "/" }).observe(0.5);
    for (const m of [a, b]) {
      expect(m.value("requests_total", { code: "ok" })).toBe(2);
      expect(m.value("queued")).toBe(5);
      expect(m.histogramValue("h", { route: "/" })?.buckets).toEqual([
        { le: 1, count: 1 },
        { le: Infinity, count: 1 },
      ]);
    }
  });

  it("returns the same child for the same labels", () => {
    const requests = multi(memory(), memory()).counter({ name: "r", help: "R.", labels: ["code"] });
    expect(requests.with({ code: "ok" })).toBe(requests.with({ code: "ok" }));
  });

  it("throws when a provider already has the name with another shape", () => {
    const a = memory();
    a.counter({ name: "requests_total", help: "R.", labels: ["method"] });
    expect(() => multi(a).counter({ name: "requests_total", help: "R.", labels: ["code"] })).toThrow(/already declared/);
  });

  it("stops every provider", async () => {
    const stops = [vi.fn(), vi.fn()];
    const providers = stops.map((stop) =>
      provider({ counter: () => () => ({ add: vi.fn() }), gauge: () => () => ({ set: vi.fn(), add: vi.fn() }), histogram: () => () => ({ observe: vi.fn() }), stop }),
    );
    await multi(...providers).stop();
    expect(stops.map((s) => s.mock.calls.length)).toEqual([1, 1]);
  });
});
