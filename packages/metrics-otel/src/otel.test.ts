import { type Attributes, type Meter, metrics as otelMetrics } from "@opentelemetry/api";
import { DataPointType, MeterProvider } from "@opentelemetry/sdk-metrics";
import { afterEach, describe, expect, it } from "vitest";
import { points, TestReader } from "../test/support/reader.ts";
import { otel } from "./otel.ts";

const providers: MeterProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) await p.shutdown();
  otelMetrics.disable();
});

function sdk(): { reader: TestReader; meter: Meter; meterProvider: MeterProvider } {
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  providers.push(meterProvider);
  return { reader, meter: meterProvider.getMeter("test"), meterProvider };
}

describe("otel", () => {
  it("maps a counter to an OTel monotonic sum, labels to attributes", async () => {
    const { reader, meter } = sdk();
    const metrics = otel({ meter });
    const requests = metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] });
    requests.with({ method: "sum", code: "ok" }).add(1);
    requests.with({ method: "sum", code: "ok" }).add(2);
    requests.with({ method: "concat", code: "not_found" }).add(1);
    metrics.counter({ name: "restarts_total", help: "Restarts." }).add(4);

    const exported = await reader.metrics();
    const sum = exported.get("requests_total");
    expect(sum?.dataPointType).toBe(DataPointType.SUM);
    expect(sum?.descriptor.description).toBe("Requests.");
    expect(sum?.dataPointType === DataPointType.SUM && sum.isMonotonic).toBe(true);
    expect(points(sum)).toEqual([
      [{ method: "concat", code: "not_found" }, 1],
      [{ method: "sum", code: "ok" }, 3],
    ]);
    expect(points(exported.get("restarts_total"))).toEqual([[{}, 4]]);
  });

  it("maps a gauge to a synchronous OTel gauge; add moves from the last value", async () => {
    const { reader, meter } = sdk();
    const queued = otel({ meter }).gauge({ name: "queued", help: "Queued.", labels: ["queue"] });
    const mail = queued.with({ queue: "mail" });
    mail.set(10);
    mail.add(-3);
    queued.with({ queue: "sms" }).add(2);
    queued.with({ queue: "sms" }).add(2);

    const exported = await reader.metrics();
    expect(exported.get("queued")?.dataPointType).toBe(DataPointType.GAUGE);
    expect(points(exported.get("queued"))).toEqual([
      [{ queue: "mail" }, 7],
      [{ queue: "sms" }, 4],
    ]);
  });

  it("maps a histogram to an OTel histogram with the declared buckets", async () => {
    const { reader, meter } = sdk();
    const metrics = otel({ meter, units: { latency_seconds: "s" } });
    const latency = metrics.histogram({ name: "latency_seconds", help: "Latency.", labels: ["method"], buckets: [0.1, 1] });
    const sum = latency.with({ method: "sum" });
    for (const v of [0.05, 0.5, 0.7, 3]) sum.observe(v);

    const exported = (await reader.metrics()).get("latency_seconds");
    expect(exported?.descriptor.unit).toBe("s");
    expect(points(exported)).toEqual([
      [
        { method: "sum" },
        {
          buckets: { boundaries: [0.1, 1], counts: [1, 2, 1] },
          count: 4,
          sum: 4.25,
          min: 0.05,
          max: 3,
        },
      ],
    ]);
  });

  it("prefixes names and rejects names OpenTelemetry refuses, at declaration", async () => {
    const { reader, meter } = sdk();
    const metrics = otel({ meter, prefix: "addsvc." });
    metrics.counter({ name: "jobs_total", help: "Jobs." }).add(1);
    expect([...(await reader.metrics()).keys()]).toEqual(["addsvc.jobs_total"]);
    expect(() => metrics.counter({ name: "rpc:calls", help: "Calls." })).toThrow(
      /otel: counter name "addsvc.rpc:calls" is not a valid OpenTelemetry instrument name/,
    );
    expect(() => otel({ meter }).gauge({ name: "_hidden", help: "H." })).toThrow(TypeError);
  });

  it("drops non-finite values instead of recording them", async () => {
    const { reader, meter } = sdk();
    const metrics = otel({ meter });
    const c = metrics.counter({ name: "c", help: "C." });
    const g = metrics.gauge({ name: "g", help: "G." });
    const h = metrics.histogram({ name: "h", help: "H.", buckets: [1] });
    c.add(Infinity);
    c.add(2);
    g.set(5);
    g.set(NaN);
    h.observe(-Infinity);
    h.observe(0.5);
    const exported = await reader.metrics();
    expect(points(exported.get("c"))).toEqual([[{}, 2]]);
    expect(points(exported.get("g"))).toEqual([[{}, 5]]);
    expect(points(exported.get("h"))[0]?.[1]).toMatchObject({ count: 1, sum: 0.5 });
  });

  it("passes the same attributes object on every recording of a bound series", () => {
    const seen: Attributes[] = [];
    const record = (_v: number, attrs?: Attributes): void => {
      if (attrs !== undefined) seen.push(attrs);
    };
    const meter = {
      createCounter: () => ({ add: record }),
      createGauge: () => ({ record }),
      createHistogram: () => ({ record }),
    } as unknown as Meter;
    const metrics = otel({ meter });
    const ok = metrics.counter({ name: "r", help: "R.", labels: ["code"] }).with({ code: "ok" });
    const up = metrics.gauge({ name: "u", help: "U.", labels: ["code"] }).with({ code: "ok" });
    ok.add(1);
    ok.add(1);
    up.add(1);
    up.set(2);
    expect(seen).toHaveLength(4);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[3]).toBe(seen[2]);
    expect(seen[0]).toEqual({ code: "ok" });
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it("uses the global meter provider by default, and stop() leaves it running", async () => {
    const { reader, meterProvider } = sdk();
    otelMetrics.setGlobalMeterProvider(meterProvider);
    const metrics = otel();
    metrics.counter({ name: "global_total", help: "G." }).add(1);
    await metrics.stop();
    metrics.counter({ name: "global_total", help: "G." }).add(1);
    const exported = await reader.metrics();
    expect(points(exported.get("global_total"))).toEqual([[{}, 2]]);
    const scope = (await reader.collect()).resourceMetrics.scopeMetrics[0]?.scope.name;
    expect(scope).toBe("@kit/metrics");
  });
});
