/**
 * The OpenTelemetry backend for `@kit/metrics`: {@link otel} returns a `Provider` whose
 * counters, gauges and histograms record on OpenTelemetry `Counter`, `Gauge` and `Histogram`
 * instruments of a `Meter`, with label values as attributes.
 *
 * @packageDocumentation
 */
export { otel, type OtelOptions } from "./otel.ts";
