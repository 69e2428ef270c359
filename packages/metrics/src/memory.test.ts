import { describe, expect, it } from "vitest";
import { memory } from "./memory.ts";

describe("memory", () => {
  it("reads a counter's and a gauge's series by label values, in any order", () => {
    const metrics = memory();
    const requests = metrics.counter({ name: "requests_total", help: "R.", labels: ["method", "code"] });
    requests.with({ method: "sum", code: "ok" }).add(1);
    requests.with({ method: "sum", code: "ok" }).add(2);
    requests.with({ method: "sum", code: "not_found" }).add(1);
    const queued = metrics.gauge({ name: "queued", help: "Q." });
    queued.set(5);
    queued.add(-2);
    expect(metrics.value("requests_total", { code: "ok", method: "sum" })).toBe(3);
    expect(metrics.value("requests_total", { method: "sum", code: "not_found" })).toBe(1);
    expect(metrics.value("queued")).toBe(3);
  });

  it("reads undefined for a series with never-used label values, and 0 for a fresh unlabelled metric", () => {
    const metrics = memory();
    metrics.counter({ name: "requests_total", help: "R.", labels: ["code"] }).with({ code: "ok" });
    metrics.counter({ name: "restarts_total", help: "R." });
    expect(metrics.value("requests_total", { code: "internal" })).toBeUndefined();
    expect(metrics.value("requests_total", { code: "ok" })).toBe(0);
    expect(metrics.value("restarts_total")).toBe(0);
  });

  it("reads a histogram's count, sum and cumulative buckets", () => {
    const metrics = memory();
    const latency = metrics.histogram({ name: "latency_seconds", help: "L.", labels: ["route"], buckets: [0.1, 1] });
    const a = latency.with({ route: "/a" });
    for (const v of [0.05, 0.1, 0.5, 3]) a.observe(v);
    expect(metrics.histogramValue("latency_seconds", { route: "/a" })).toEqual({
      count: 4,
      sum: 3.65,
      buckets: [
        { le: 0.1, count: 2 },
        { le: 1, count: 3 },
        { le: Infinity, count: 4 },
      ],
    });
    expect(metrics.histogramValue("latency_seconds", { route: "/b" })).toBeUndefined();
  });

  it("uses Prometheus' default buckets when none are declared", () => {
    const metrics = memory();
    metrics.histogram({ name: "h", help: "H." }).observe(0.3);
    expect(metrics.histogramValue("h")?.buckets.map((b) => b.le)).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity,
    ]);
  });

  it("throws when a test reads a name never declared, the wrong kind, or labels that do not match", () => {
    const metrics = memory();
    metrics.counter({ name: "requests_total", help: "R.", labels: ["code"] });
    metrics.histogram({ name: "h", help: "H." });
    expect(() => metrics.value("request_total", { code: "ok" })).toThrow(
      'no metric named "request_total" was declared (declared: requests_total, h)',
    );
    expect(() => metrics.value("h")).toThrow('"h" is a histogram: read it with histogramValue');
    expect(() => metrics.histogramValue("requests_total", { code: "ok" })).toThrow(/is a counter: read it with value/);
    expect(() => metrics.value("requests_total", { cod: "ok" })).toThrow('"requests_total" has labels [code], got [cod]');
    expect(() => metrics.value("requests_total")).toThrow(/got \[\]/);
  });

  it("keeps two memory providers apart", () => {
    const a = memory();
    const b = memory();
    a.counter({ name: "c", help: "C." }).add(1);
    b.counter({ name: "c", help: "C." });
    expect([a.value("c"), b.value("c")]).toEqual([1, 0]);
  });
});
