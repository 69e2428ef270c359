import type { CounterSeries, GaugeSeries, HistogramSeries } from "./metric.ts";

/** A metric's declaration as a {@link Backend} receives it, checked by the provider. */
export interface MetricDesc {
  /** The name, matching `[a-zA-Z_:][a-zA-Z0-9_:]*` (Prometheus' rule; a backend may translate it). */
  readonly name: string;
  /** What the metric measures, for humans. */
  readonly help: string;
  /** The label names in declared order, each matching `[a-zA-Z_][a-zA-Z0-9_]*`, no duplicates. */
  readonly labels: readonly string[];
}

/** A histogram's declaration as a {@link Backend} receives it. */
export interface HistogramDesc extends MetricDesc {
  /** Upper bounds of the buckets, finite and strictly increasing; `+Inf` is implied. */
  readonly buckets: readonly number[];
}

/**
 * Makes the child of one metric for one set of label values. `values` are in the order of the
 * declaration's `labels` (empty for an unlabelled metric), and the array is the backend's to keep.
 */
export type SeriesFactory<S> = (values: readonly string[]) => S;

/**
 * What a metrics backend implements; {@link provider} turns one into a {@link Provider}. Every
 * backend package (Prometheus, StatsD, OpenTelemetry…) implements this and nothing else:
 *
 * - each method is called once per declared metric, with a checked declaration, and returns a
 *   factory of series;
 * - the factory is called once per distinct set of label values; the provider caches what it
 *   returns and hands that same object to every later `with` for those values;
 * - a series' methods are the hot path: they should allocate nothing and must not throw for
 *   values the provider lets through (counter deltas are checked to be zero or more before
 *   they reach the backend; gauge values and observations may be any number).
 *
 * @example
 * ```ts
 * const log: Backend = {
 *   counter: (desc) => (values) => ({ add: (d) => { console.log(desc.name, values, d); } }),
 *   gauge: (desc) => (values) => ({ set: (v) => { console.log(desc.name, values, "=", v); }, add: () => {} }),
 *   histogram: () => () => ({ observe: () => {} }),
 * };
 * const metrics = provider(log);
 * ```
 */
export interface Backend {
  /** Declares a counter; returns the factory of its series. */
  counter(desc: MetricDesc): SeriesFactory<CounterSeries>;
  /** Declares a gauge; returns the factory of its series. */
  gauge(desc: MetricDesc): SeriesFactory<GaugeSeries>;
  /** Declares a histogram; returns the factory of its series. */
  histogram(desc: HistogramDesc): SeriesFactory<HistogramSeries>;
  /** Flushes and releases what the backend holds (a push loop, a socket); called once by `Provider.stop`. */
  stop?(): void | Promise<void>;
}
