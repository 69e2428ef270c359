import { background } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { describe, expect, it } from "vitest";
import { instrumentingMiddleware, stringMetrics } from "./instrumenting.ts";
import { loggingMiddleware } from "./logging.ts";
import { stringService } from "./service.ts";

describe("loggingMiddleware", () => {
  it("logs method, input, output, err and took per call, as Go kit's", async () => {
    const lines: unknown[][] = [];
    const svc = loggingMiddleware({ log: (...kv: unknown[]) => lines.push(kv) })(stringService());
    await svc.uppercase(background(), "hi");
    await svc.uppercase(background(), "").catch(() => undefined);
    await svc.count(background(), "abc");
    expect(lines.map((kv) => kv.slice(0, -1))).toEqual([
      ["method", "uppercase", "input", "hi", "output", "HI", "err", null, "took"],
      ["method", "uppercase", "input", "", "output", "", "err", expect.objectContaining({ message: "empty string" }), "took"],
      ["method", "count", "input", "abc", "n", 3, "took"],
    ]);
    for (const kv of lines) expect(kv.at(-1)).toMatch(/^\d+\.\d{3}ms$/);
  });
});

describe("instrumentingMiddleware", () => {
  it("records Go kit's metrics under Go kit's names and labels", async () => {
    const metrics = memory();
    const svc = instrumentingMiddleware(stringMetrics(metrics))(stringService());
    await svc.uppercase(background(), "hi");
    await svc.uppercase(background(), "").catch(() => undefined);
    await svc.count(background(), "hello");
    await svc.count(background(), "ab");
    const count = (method: string, error: string): unknown => metrics.value("my_group_string_service_request_count", { method, error });
    expect([count("uppercase", "false"), count("uppercase", "true"), count("count", "false")]).toEqual([1, 1, 2]);
    const latency = metrics.histogramValue("my_group_string_service_request_latency_microseconds", { method: "count", error: "false" });
    expect(latency?.count).toBe(2);
    expect(metrics.histogramValue("my_group_string_service_count_result", {})).toMatchObject({ count: 2, sum: 7 });
  });
});
