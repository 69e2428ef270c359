import { GCProfiler, getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import { graphite } from "./graphite.ts";

describe("the hot path", () => {
  // vitest.config.ts runs tests with --expose-gc; a zero-allocation loop triggers no
  // young-generation collection and leaves the heap where it was.
  it("recording on bound series allocates nothing over a million calls", async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, "run with --expose-gc").toBeTypeOf("function");
    const metrics = graphite({ flushInterval: 0, maxSamples: 64 });
    const requests = metrics.counter({ name: "requests_total", help: "R.", labels: ["method", "code"] });
    const ok = requests.with({ method: "sum", code: "ok" });
    const queued = metrics.gauge({ name: "queued", help: "Q.", labels: ["queue"] }).with({ queue: "mail" });
    const latency = metrics.histogram({ name: "latency_seconds", help: "L.", labels: ["method"] }).with({ method: "sum" });
    const loop = (n: number): void => {
      for (let i = 0; i < n; i++) {
        ok.add(1);
        queued.set(i);
        queued.add(1);
        latency.observe(i % 20); // past maxSamples: reservoir sampling, still no allocation
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
    await metrics.stop(); // nothing listens on 2003: the final flush fails quietly
  });
});
