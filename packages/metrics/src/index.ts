/**
 * Go kit's metrics for TypeScript, with label names declared once and checked at compile
 * time: {@link Counter}, {@link Gauge} and {@link Histogram}, each with a cached `with(labels)`;
 * a {@link Provider} that declares them on a {@link Backend}; the {@link memory},
 * {@link discard} and {@link multi} providers; and the {@link instrument} endpoint middleware.
 *
 * @packageDocumentation
 */
export type { Backend, HistogramDesc, MetricDesc, SeriesFactory } from "./backend.ts";
export { discard } from "./discard.ts";
export { instrument, type EndpointMetrics, type InstrumentOptions } from "./instrument.ts";
export { memory, type HistogramValue, type MemoryProvider } from "./memory.ts";
export type {
  Counter,
  CounterSeries,
  Gauge,
  GaugeSeries,
  Histogram,
  HistogramSeries,
  Labelled,
  Labels,
} from "./metric.ts";
export { multi } from "./multi.ts";
export { provider, type HistogramOptions, type MetricOptions, type Provider } from "./provider.ts";
export { SampleWindow } from "./sample-window.ts";
