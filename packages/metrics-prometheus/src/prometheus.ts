import type { Backend, CounterSeries, GaugeSeries, HistogramSeries, Provider } from "@kit/metrics";
import { provider } from "@kit/metrics";
import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from "prom-client";

/**
 * Options for {@link prometheus}.
 *
 * @example
 * ```ts
 * import { register } from "prom-client";
 * // next to prom-client's default metrics, in its global registry, named addsvc_*
 * const metrics = prometheus({ registry: register, prefix: "addsvc_" });
 * ```
 */
export interface PrometheusOptions {
  /**
   * The prom-client registry the metrics are registered in. Default: a new `Registry` of this
   * provider's own, so two providers (or two tests) never collide on a name. Pass prom-client's
   * global `register` to expose Kit's metrics next to metrics registered there (such as
   * `collectDefaultMetrics()`).
   */
  readonly registry?: Registry<RegistryContentType>;
  /**
   * Prepended as is to every metric name, prom-client style: `"addsvc_"` turns `requests_total`
   * into `addsvc_requests_total`. It must itself match `[a-zA-Z_:][a-zA-Z0-9_:]*`. Default: none.
   */
  readonly prefix?: string;
}

/**
 * A {@link Provider} whose metrics live in a prom-client registry.
 *
 * @example
 * ```ts
 * const metrics = prometheus();
 * metrics.gauge({ name: "up", help: "Up." }).set(1);
 * await metrics.registry.metrics(); // "# HELP up Up.\n# TYPE up gauge\nup 1\n"
 * ```
 */
export interface PrometheusProvider extends Provider {
  /** The registry the metrics are registered in: serve it with {@link metricsHandler}. */
  readonly registry: Registry<RegistryContentType>;
}

const prefixPattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A {@link Provider} backed by prom-client: each declared metric is a prom-client `Counter`,
 * `Gauge` or `Histogram` registered in `registry` (default: a new one, read it back from
 * {@link PrometheusProvider.registry}), and each series that `with(labels)` returns wraps
 * prom-client's label-bound child (`metric.labels(...values)`), made once per set of label
 * values. Recording is prom-client's own `inc`, `set` or `observe` on that child.
 *
 * Declaring a name that the registry already holds (from another provider or from prom-client
 * directly) throws prom-client's error, with the metric's name. prom-client refuses non-finite
 * numbers for counters and histograms; since a backend must not throw on the recording path,
 * `add(Infinity)` and `observe` of `NaN` or `±Infinity` are dropped. Gauges take any number.
 * `stop()` does nothing: the registry keeps the metrics and their values.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { metricsHandler, prometheus } from "@kit/metrics-prometheus";
 *
 * const metrics = prometheus({ prefix: "addsvc_" });
 * const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
 * jobs.with({ queue: "mail" }).add(1);
 * createServer(metricsHandler(metrics.registry)).listen(9090);
 * // GET /metrics: addsvc_jobs_total{queue="mail"} 1
 * ```
 */
export function prometheus(options: PrometheusOptions = {}): PrometheusProvider {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? "";
  if (prefix !== "" && !prefixPattern.test(prefix)) {
    throw new TypeError(`prometheus: prefix ${JSON.stringify(prefix)} must match ${String(prefixPattern)}`);
  }
  const registers = [registry];

  function register<M>(kind: string, name: string, create: () => M): M {
    try {
      return create();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`prometheus: cannot register ${kind} "${prefix}${name}": ${message}`, { cause: err });
    }
  }

  const backend: Backend = {
    counter(desc) {
      const counter = register(
        "counter",
        desc.name,
        () => new Counter({ name: prefix + desc.name, help: desc.help, labelNames: [...desc.labels], registers }),
      );
      return (values): CounterSeries => new CounterChild(counter.labels(...values));
    },
    gauge(desc) {
      const gauge = register(
        "gauge",
        desc.name,
        () => new Gauge({ name: prefix + desc.name, help: desc.help, labelNames: [...desc.labels], registers }),
      );
      return (values): GaugeSeries => new GaugeChild(gauge.labels(...values));
    },
    histogram(desc) {
      const histogram = register(
        "histogram",
        desc.name,
        () =>
          new Histogram({
            name: prefix + desc.name,
            help: desc.help,
            labelNames: [...desc.labels],
            buckets: [...desc.buckets], // prom-client freezes the array it is given
            registers,
          }),
      );
      return (values): HistogramSeries => new HistogramChild(histogram.labels(...values));
    },
  };

  return { ...provider(backend), registry };
}

// Each wraps prom-client's label-bound child, made once by `labels(...values)`.

class CounterChild implements CounterSeries {
  private readonly child: Counter.Internal;

  constructor(child: Counter.Internal) {
    this.child = child;
  }

  add(delta: number): void {
    // The provider lets zero and more through; prom-client throws on +Infinity.
    if (delta !== Infinity) this.child.inc(delta);
  }
}

class GaugeChild implements GaugeSeries {
  private readonly child: Gauge.Internal<string>;

  constructor(child: Gauge.Internal<string>) {
    this.child = child;
  }

  set(value: number): void {
    this.child.set(value);
  }

  add(delta: number): void {
    this.child.inc(delta);
  }
}

class HistogramChild implements HistogramSeries {
  private readonly child: Histogram.Internal<string>;

  constructor(child: Histogram.Internal<string>) {
    this.child = child;
  }

  observe(value: number): void {
    // prom-client throws on NaN and ±Infinity.
    if (Number.isFinite(value)) this.child.observe(value);
  }
}
