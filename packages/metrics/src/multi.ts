import type { Backend, HistogramDesc, MetricDesc } from "./backend.ts";
import type { CounterSeries, GaugeSeries, HistogramSeries, Labelled } from "./metric.ts";
import type { HistogramOptions, Provider } from "./provider.ts";
import { provider } from "./provider.ts";

type Declare = (p: Provider, options: HistogramOptions<string>) => unknown;

/**
 * One series per provider for the same label values: on a labelled metric, `with` on each
 * provider's metric (a labels object is built only here, on the first use of these values).
 */
function fanOut<S>(
  providers: readonly Provider[],
  desc: MetricDesc | HistogramDesc,
  declare: Declare,
): (values: readonly string[]) => S[] {
  const options: HistogramOptions<string> = "buckets" in desc ? desc : { name: desc.name, help: desc.help, labels: desc.labels };
  const metrics = providers.map((p) => declare(p, options));
  return (values) => {
    if (desc.labels.length === 0) return metrics as S[];
    const labels = Object.fromEntries(desc.labels.map((name, i) => [name, values[i] ?? ""]));
    return metrics.map((m) => (m as Labelled<S, string>).with(labels));
  };
}

class MultiCounter implements CounterSeries {
  private readonly all: readonly CounterSeries[];
  constructor(all: readonly CounterSeries[]) {
    this.all = all;
  }
  add(delta: number): void {
    for (const series of this.all) series.add(delta);
  }
}

class MultiGauge implements GaugeSeries {
  private readonly all: readonly GaugeSeries[];
  constructor(all: readonly GaugeSeries[]) {
    this.all = all;
  }
  set(value: number): void {
    for (const series of this.all) series.set(value);
  }
  add(delta: number): void {
    for (const series of this.all) series.add(delta);
  }
}

class MultiHistogram implements HistogramSeries {
  private readonly all: readonly HistogramSeries[];
  constructor(all: readonly HistogramSeries[]) {
    this.all = all;
  }
  observe(value: number): void {
    for (const series of this.all) series.observe(value);
  }
}

/**
 * A {@link Provider} that declares every metric on each of `providers` and records every value
 * on all of them, Go kit's `metrics/multi`: for example Prometheus for scraping plus
 * {@link memory} in a test. `stop` stops them all.
 *
 * @example
 * ```ts
 * const metrics = multi(prometheus, statsd);
 * ```
 */
export function multi(...providers: Provider[]): Provider {
  const list = [...providers];
  const backend: Backend = {
    counter(desc) {
      const each = fanOut<CounterSeries>(list, desc, (p, o) => p.counter(o));
      return (values) => new MultiCounter(each(values));
    },
    gauge(desc) {
      const each = fanOut<GaugeSeries>(list, desc, (p, o) => p.gauge(o));
      return (values) => new MultiGauge(each(values));
    },
    histogram(desc) {
      const each = fanOut<HistogramSeries>(list, desc, (p, o) => p.histogram(o));
      return (values) => new MultiHistogram(each(values));
    },
    async stop() {
      await Promise.all(list.map((p) => p.stop()));
    },
  };
  return provider(backend);
}
