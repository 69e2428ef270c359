import type { Meter } from "@opentelemetry/api";
import { GCProfiler, getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import { otel } from "./otel.ts";

describe("the hot path", () => {
  // vitest.config.ts runs tests with --expose-gc. The meter here records nothing and
  // allocates nothing, so what is measured is this package's layer alone; the SDK's own
  // aggregation allocates what it allocates.
  it("recording on bound series allocates nothing here over a million calls", () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, "run with --expose-gc").toBeTypeOf("function");
    let calls = 0;
    const record = (): void => {
      calls++;
    };
    const meter = {
      createCounter: () => ({ add: record }),
      createGauge: () => ({ record }),
      createHistogram: () => ({ record }),
    } as unknown as Meter;
    const metrics = otel({ meter });
    const ok = metrics.counter({ name: "requests_total", help: "R.", labels: ["method", "code"] }).with({ method: "sum", code: "ok" });
    const queued = metrics.gauge({ name: "queued", help: "Q.", labels: ["queue"] }).with({ queue: "mail" });
    const latency = metrics.histogram({ name: "latency_seconds", help: "L.", labels: ["method"] }).with({ method: "sum" });
    const loop = (n: number): void => {
      for (let i = 0; i < n; i++) {
        ok.add(1);
        queued.set(i);
        queued.add(1);
        latency.observe(i % 20);
      }
    };
    loop(100_000);
    gc?.();
    const profiler = new GCProfiler();
    const before = getHeapStatistics().used_heap_size;
    profiler.start();
    loop(1_000_000);
    const after = getHeapStatistics().used_heap_size;
    const collections = profiler.stop().statistics.length;
    expect({ collections, grewUnder1MB: after - before < 1 << 20 }).toEqual({ collections: 0, grewUnder1MB: true });
    expect(calls).toBe(4_400_000);
  });
});
