import { getHeapStatistics, GCProfiler } from "node:v8";
import { describe, expect, it, vi } from "vitest";
import type { Backend } from "./backend.ts";
import { discard } from "./discard.ts";
import { memory } from "./memory.ts";
import type { CounterSeries } from "./metric.ts";
import { multi } from "./multi.ts";
import { provider } from "./provider.ts";

/** A backend that records which series it was asked to make. */
function spyBackend(): { backend: Backend; made: string[][] } {
  const made: string[][] = [];
  const backend: Backend = {
    counter: () => (values) => {
      made.push([...values]);
      return { add: () => undefined };
    },
    gauge: () => () => ({ set: () => undefined, add: () => undefined }),
    histogram: () => () => ({ observe: () => undefined }),
  };
  return { backend, made };
}

describe("provider", () => {
  it("asks the backend for a series once per set of label values and returns the same child each time", () => {
    const { backend, made } = spyBackend();
    const requests = provider(backend).counter({ name: "requests_total", help: "R.", labels: ["method", "code"] });
    const first = requests.with({ method: "sum", code: "ok" });
    expect(requests.with({ code: "ok", method: "sum" })).toBe(first);
    expect(requests.with({ method: "sum", code: "not_found" })).not.toBe(first);
    expect(requests.with({ method: "concat", code: "ok" })).not.toBe(first);
    expect(made).toEqual([
      ["sum", "ok"],
      ["sum", "not_found"],
      ["concat", "ok"],
    ]);
  });

  it("keeps label values apart that a joined key would confuse", () => {
    const { backend, made } = spyBackend();
    const c = provider(backend).counter({ name: "c", help: "C.", labels: ["a", "b"] });
    expect(c.with({ a: "x,y", b: "z" })).not.toBe(c.with({ a: "x", b: "y,z" }));
    expect(made).toHaveLength(2);
  });

  it("makes an unlabelled metric's one series at declaration", () => {
    const { backend, made } = spyBackend();
    provider(backend).counter({ name: "restarts_total", help: "Restarts." });
    expect(made).toEqual([[]]);
  });

  it("throws a TypeError naming the missing, unknown or non-string labels of an untyped caller", () => {
    const requests = memory().counter({ name: "requests_total", help: "R.", labels: ["method", "code"] });
    const untyped = requests as unknown as { with(labels: unknown): unknown };
    expect(() => untyped.with({ method: "sum" })).toThrow(
      new TypeError('counter "requests_total" takes labels [method, code]: missing "code"'),
    );
    expect(() => untyped.with({ method: "sum", cod: "ok" })).toThrow(
      new TypeError('counter "requests_total" takes labels [method, code]: missing "code"; unknown "cod"'),
    );
    expect(() => untyped.with({ method: "sum", code: "ok", extra: "x" })).toThrow(/unknown "extra"/);
    expect(() => untyped.with({ method: "sum", code: 200 })).toThrow(/not a string: "code"/);
    expect(() => untyped.with(undefined)).toThrow(/takes labels \[method, code\], got undefined/);
  });

  it("rejects an unknown label even after the same values were used correctly", () => {
    const requests = memory().counter({ name: "requests_total", help: "R.", labels: ["method"] });
    requests.with({ method: "sum" });
    const untyped = requests as unknown as { with(labels: unknown): unknown };
    expect(() => untyped.with({ method: "sum", code: "ok" })).toThrow(/unknown "code"/);
  });

  it("tells an untyped caller recording on a labelled metric to call with first", () => {
    const requests = memory().counter({ name: "requests_total", help: "R.", labels: ["method"] });
    expect(() => {
      (requests as unknown as CounterSeries).add(1);
    }).toThrow(/counter "requests_total" has labels \[method\]: record on the child that with/);
  });

  it("rejects a negative or NaN counter delta with a RangeError", () => {
    const restarts = memory().counter({ name: "restarts_total", help: "Restarts." });
    expect(() => {
      restarts.add(-1);
    }).toThrow(RangeError);
    expect(() => {
      restarts.add(Number.NaN);
    }).toThrow(/can only go up/);
  });

  it("returns the same metric for the same declaration and throws for a different one", () => {
    const metrics = memory();
    const declare = (): unknown => metrics.counter({ name: "requests_total", help: "R.", labels: ["code"] });
    expect(declare()).toBe(declare());
    expect(() => metrics.counter({ name: "requests_total", help: "R.", labels: ["method"] })).toThrow(
      'metric "requests_total" is already declared as counter with labels [code] and help "R."; now as counter with labels [method] and help "R."',
    );
    expect(() => metrics.gauge({ name: "requests_total", help: "R.", labels: ["code"] })).toThrow(/already declared as counter/);
    metrics.histogram({ name: "h", help: "H.", buckets: [1, 2] });
    expect(() => metrics.histogram({ name: "h", help: "H.", buckets: [1, 3] })).toThrow(/buckets \[1, 2\]/);
  });

  it("rejects invalid metric names, label names and buckets", () => {
    const metrics = memory();
    expect(() => metrics.counter({ name: "requests-total", help: "R." })).toThrow(/counter name "requests-total" must match/);
    expect(() => metrics.counter({ name: "r", help: "R.", labels: ["a b"] })).toThrow(/label name "a b"/);
    expect(() => metrics.counter({ name: "r", help: "R.", labels: ["__name"] })).toThrow(/not start with "__"/);
    expect(() => metrics.counter({ name: "r", help: "R.", labels: ["a", "a"] })).toThrow(/label "a" is declared twice/);
    expect(() => metrics.histogram({ name: "h", help: "H.", buckets: [1, 1] })).toThrow(/strictly increasing/);
    expect(() => metrics.histogram({ name: "h", help: "H.", buckets: [1, Infinity] })).toThrow(/finite/);
  });

  it("stops the backend once however often stop is called", async () => {
    const stop = vi.fn();
    const metrics = provider({ ...spyBackend().backend, stop });
    await Promise.all([metrics.stop(), metrics.stop()]);
    await metrics.stop();
    expect(stop).toHaveBeenCalledTimes(1);
  });
});

describe("the hot path", () => {
  // Run with --expose-gc (vitest.config.ts); a zero-allocation loop triggers no young-generation
  // collection and leaves the heap where it was, while 16 bytes per call would be 16 MB.
  const gc = (globalThis as { gc?: () => void }).gc;

  it.runIf(gc !== undefined)("recording on bound children, and with() on known labels, allocate nothing over a million calls", () => {
    const metrics = memory();
    const requests = metrics.counter({ name: "requests_total", help: "R.", labels: ["method", "code"] });
    const latency = metrics.histogram({ name: "latency_seconds", help: "L.", labels: ["method"] });
    const fanned = multi(metrics, discard()).gauge({ name: "in_flight", help: "I.", labels: ["method"] });
    const labels = { method: "sum", code: "ok" };
    const bound = requests.with(labels);
    const observed = latency.with({ method: "sum" });
    const gauge = fanned.with({ method: "sum" });
    const loop = (n: number): void => {
      for (let i = 0; i < n; i++) {
        bound.add(1);
        requests.with(labels).add(1);
        observed.observe(i % 20);
        gauge.add(1);
      }
    };
    loop(100_000); // warm up: let the JIT optimise the loop before measuring
    gc?.();
    const profiler = new GCProfiler();
    const before = getHeapStatistics().used_heap_size;
    profiler.start();
    loop(1_000_000);
    const after = getHeapStatistics().used_heap_size;
    const collections = profiler.stop().statistics.length;
    expect({ collections, grewUnder1MB: after - before < 1 << 20 }).toEqual({ collections: 0, grewUnder1MB: true });
    expect(metrics.value("requests_total", labels)).toBe(2_200_000);
    expect(metrics.histogramValue("latency_seconds", { method: "sum" })?.count).toBe(1_100_000);
    expect(metrics.value("in_flight", { method: "sum" })).toBe(1_100_000);
  });
});
