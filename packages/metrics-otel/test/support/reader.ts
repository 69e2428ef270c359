// A MetricReader the tests collect from on demand, and a flat view of what it collects.
import { type DataPoint, type MetricData, MetricReader } from "@opentelemetry/sdk-metrics";

export class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** Every metric the SDK exports now, by instrument name. */
  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics, errors } = await this.collect();
    if (errors.length > 0) throw new AggregateError(errors, "collect failed");
    const byName = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    }
    return byName;
  }
}

/** The data points of one metric as `[attributes, value]` pairs, in a stable order. */
export function points(metric: MetricData | undefined): [Record<string, unknown>, unknown][] {
  if (metric === undefined) throw new Error("no such metric was exported");
  const dataPoints = metric.dataPoints as DataPoint<unknown>[];
  return dataPoints
    .map((p): [Record<string, unknown>, unknown] => [{ ...p.attributes }, p.value])
    .sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])));
}
