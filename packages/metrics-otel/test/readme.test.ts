// The README's example, line for line, with what the exporter received asserted.
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { points } from "./support/reader.ts";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { otel } from "../src/index.ts";

describe("README example", () => {
  it("exports the job counter and the latency histogram", async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE); // or an OTLP exporter
    const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter })] });
    const metrics = otel({ meter: meterProvider.getMeter("addsvc"), units: { latency_seconds: "s" } });

    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
    jobs.with({ queue: "mail" }).add(1); // bind once with `with`, record many times
    const latency = metrics.histogram({ name: "latency_seconds", help: "Latency.", buckets: [0.1, 1] });
    latency.observe(0.25);

    await meterProvider.forceFlush(); // exports jobs_total{queue="mail"} 1 and the histogram
    const exported = exporter.getMetrics().at(-1)?.scopeMetrics[0]?.metrics ?? [];
    await meterProvider.shutdown();

    const byName = new Map(exported.map((m) => [m.descriptor.name, m]));
    expect(points(byName.get("jobs_total"))).toEqual([[{ queue: "mail" }, 1]]);
    expect(byName.get("latency_seconds")?.descriptor.unit).toBe("s");
    expect(points(byName.get("latency_seconds"))[0]?.[1]).toMatchObject({
      buckets: { boundaries: [0.1, 1], counts: [0, 1, 0] },
      count: 1,
      sum: 0.25,
    });
  });
});
