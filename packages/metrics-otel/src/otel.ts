import {
  type Attributes,
  type Counter as OtelCounter,
  type Gauge as OtelGauge,
  type Histogram as OtelHistogram,
  type Meter,
  metrics as otelMetrics,
} from "@opentelemetry/api";
import type { Backend, CounterSeries, GaugeSeries, HistogramSeries, MetricDesc, Provider } from "@kit/metrics";
import { provider } from "@kit/metrics";

/**
 * Options for {@link otel}.
 *
 * @example
 * ```ts
 * const options: OtelOptions = {
 *   meter: meterProvider.getMeter("addsvc"),
 *   prefix: "addsvc.",
 *   units: { request_duration_seconds: "s" },
 * };
 * const metrics = otel(options);
 * ```
 */
export interface OtelOptions {
  /**
   * The OpenTelemetry meter the instruments are created on. Default:
   * `metrics.getMeter("@kit/metrics")` from `@opentelemetry/api`, the global meter provider's
   * (a no-op until an SDK registers one).
   */
  readonly meter?: Meter;
  /**
   * Prepended as is to every instrument name: `"addsvc."` turns `requests_total` into
   * `addsvc.requests_total`. The result must be a valid OpenTelemetry instrument name. Default: none.
   */
  readonly prefix?: string;
  /**
   * Units per metric, by declared name (without `prefix`), in UCUM as OpenTelemetry expects:
   * `{ request_duration_seconds: "s" }`. `@kit/metrics` declarations carry no backend options,
   * so this is where a unit goes. Default: none.
   */
  readonly units?: Readonly<Record<string, string>>;
}

// OpenTelemetry's instrument name syntax; the SDK turns any other name into a no-op instrument.
const instrumentName = /^[a-zA-Z][a-zA-Z0-9_.\-/]{0,254}$/;

/**
 * A `@kit/metrics` {@link Provider} that records on OpenTelemetry instruments:
 *
 * - a counter is an OTel `Counter` (`add`);
 * - a gauge is a synchronous OTel `Gauge` (`record`, API 1.9): `set(v)` records `v`, and
 *   `add(d)` records the series' current value plus `d` (kept in this process, from 0);
 * - a histogram is an OTel `Histogram` (`record`) whose declared buckets are passed as the
 *   advice `explicitBucketBoundaries`;
 * - label names and values become attributes; `help` is the instrument's description.
 *
 * Each series that `with(labels)` returns holds its attributes object, made once, so recording
 * on it passes the same object every time and allocates nothing here. Non-finite values are
 * dropped. An invalid instrument name (such as one with `:`, which Prometheus allows and
 * OpenTelemetry does not) throws a `TypeError` at declaration. `stop()` does nothing: the meter
 * provider is yours to flush and shut down.
 *
 * @example
 * ```ts
 * import { otel } from "@kit/metrics-otel";
 *
 * // meterProvider: the SDK's `new MeterProvider({ readers: [...] })`
 * const metrics = otel({ meter: meterProvider.getMeter("addsvc") });
 * const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
 * jobs.with({ queue: "mail" }).add(1); // a data point jobs_total{queue="mail"} = 1
 * ```
 */
export function otel(options: OtelOptions = {}): Provider {
  const meter = options.meter ?? otelMetrics.getMeter("@kit/metrics");
  const prefix = options.prefix ?? "";
  const units = options.units ?? {};

  function describe(kind: string, desc: MetricDesc): { name: string; description: string; unit?: string } {
    const name = prefix + desc.name;
    if (!instrumentName.test(name)) {
      throw new TypeError(`otel: ${kind} name "${name}" is not a valid OpenTelemetry instrument name (${String(instrumentName)})`);
    }
    const unit = units[desc.name];
    return unit === undefined ? { name, description: desc.help } : { name, description: desc.help, unit };
  }

  const backend: Backend = {
    counter(desc) {
      const { name, ...rest } = describe("counter", desc);
      const counter = meter.createCounter(name, rest);
      return (values): CounterSeries => new CounterChild(counter, attributes(desc.labels, values));
    },
    gauge(desc) {
      const { name, ...rest } = describe("gauge", desc);
      const gauge = meter.createGauge(name, rest);
      return (values): GaugeSeries => new GaugeChild(gauge, attributes(desc.labels, values));
    },
    histogram(desc) {
      const { name, ...rest } = describe("histogram", desc);
      const histogram = meter.createHistogram(name, { ...rest, advice: { explicitBucketBoundaries: [...desc.buckets] } });
      return (values): HistogramSeries => new HistogramChild(histogram, attributes(desc.labels, values));
    },
  };

  return provider(backend);
}

/** The attributes of one series, made once: label name to label value. */
function attributes(labels: readonly string[], values: readonly string[]): Attributes {
  const attrs: Attributes = {};
  labels.forEach((label, i) => {
    attrs[label] = values[i] ?? "";
  });
  return Object.freeze(attrs);
}

class CounterChild implements CounterSeries {
  private readonly counter: OtelCounter;
  private readonly attributes: Attributes;

  constructor(counter: OtelCounter, attributes: Attributes) {
    this.counter = counter;
    this.attributes = attributes;
  }

  add(delta: number): void {
    if (delta !== Infinity) this.counter.add(delta, this.attributes);
  }
}

class GaugeChild implements GaugeSeries {
  private readonly gauge: OtelGauge;
  private readonly attributes: Attributes;
  private value = 0;

  constructor(gauge: OtelGauge, attributes: Attributes) {
    this.gauge = gauge;
    this.attributes = attributes;
  }

  set(value: number): void {
    this.value = value;
    if (Number.isFinite(value)) this.gauge.record(value, this.attributes);
  }

  add(delta: number): void {
    this.value += delta;
    if (Number.isFinite(this.value)) this.gauge.record(this.value, this.attributes);
  }
}

class HistogramChild implements HistogramSeries {
  private readonly histogram: OtelHistogram;
  private readonly attributes: Attributes;

  constructor(histogram: OtelHistogram, attributes: Attributes) {
    this.histogram = histogram;
    this.attributes = attributes;
  }

  observe(value: number): void {
    if (Number.isFinite(value)) this.histogram.record(value, this.attributes);
  }
}
