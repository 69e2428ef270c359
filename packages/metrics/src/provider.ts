import type { Backend, HistogramDesc, MetricDesc } from "./backend.ts";
import { Family, type Kind } from "./internal/family.ts";
import type { Counter, CounterSeries, Gauge, Histogram } from "./metric.ts";

/** How to declare a counter or a gauge. */
export interface MetricOptions<L extends string> {
  /** The name, matching `[a-zA-Z_:][a-zA-Z0-9_:]*`, such as `"http_requests_total"`. */
  readonly name: string;
  /** What the metric measures, for humans. */
  readonly help: string;
  /**
   * The label names, checked at compile time wherever `with` is called. Omit them (or pass
   * `[]`) for an unlabelled metric, which records directly.
   */
  readonly labels?: readonly L[];
}

/** How to declare a histogram. */
export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /**
   * Upper bounds of the buckets, finite and strictly increasing (`+Inf` is implied). Default:
   * Prometheus' `[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]`, for seconds.
   */
  readonly buckets?: readonly number[];
}

/**
 * Declares metrics by name on one backend, Go kit's `metrics/provider.Provider`. Declaring
 * the same name again with the same shape returns the same metric, so independent code (one
 * {@link instrument} per endpoint) can share it; another shape under that name throws.
 *
 * @example
 * ```ts
 * const requests = metrics.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] });
 * requests.with({ method: "sum", code: "ok" }).add(1);
 * ```
 */
export interface Provider {
  /** Declares a counter. */
  counter<const L extends string = never>(options: MetricOptions<L>): Counter<L>;
  /** Declares a gauge. */
  gauge<const L extends string = never>(options: MetricOptions<L>): Gauge<L>;
  /** Declares a histogram. */
  histogram<const L extends string = never>(options: HistogramOptions<L>): Histogram<L>;
  /** Stops the backend (flushes what it buffers); later calls do nothing. */
  stop(): Promise<void>;
}

const defaultBuckets: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Declared {
  readonly kind: Kind;
  readonly desc: MetricDesc | HistogramDesc;
  readonly metric: unknown;
}

/**
 * The {@link Provider} for a {@link Backend}: it checks declarations, creates each series once
 * through the backend and caches it, and checks labels and counter deltas, so a backend only
 * has to record.
 *
 * @example
 * ```ts
 * const metrics = provider(myBackend);
 * const jobs = metrics.gauge({ name: "jobs_running", help: "Jobs running now." });
 * jobs.add(1);
 * ```
 */
export function provider(backend: Backend): Provider {
  const declared = new Map<string, Declared>();
  let stopped: Promise<void> | undefined;

  function declare(kind: Kind, desc: MetricDesc | HistogramDesc, create: () => (values: readonly string[]) => unknown): unknown {
    const before = declared.get(desc.name);
    if (before !== undefined) {
      if (before.kind === kind && sameShape(before.desc, desc)) return before.metric;
      throw new Error(
        `metric "${desc.name}" is already declared as ${describe(before.kind, before.desc)}; now as ${describe(kind, desc)}`,
      );
    }
    const make = create();
    const metric = desc.labels.length === 0 ? make([]) : new Family(kind, desc.name, desc.labels, make);
    declared.set(desc.name, { kind, desc, metric });
    return metric;
  }

  return {
    counter<const L extends string = never>(options: MetricOptions<L>): Counter<L> {
      const desc = check("counter", options);
      return declare("counter", desc, () => {
        const make = backend.counter(desc);
        return (values) => new CheckedCounter(desc.name, make(values));
      }) as Counter<L>;
    },
    gauge<const L extends string = never>(options: MetricOptions<L>): Gauge<L> {
      const desc = check("gauge", options);
      return declare("gauge", desc, () => backend.gauge(desc)) as Gauge<L>;
    },
    histogram<const L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
      const desc = checkHistogram(options);
      return declare("histogram", desc, () => backend.histogram(desc)) as Histogram<L>;
    },
    stop(): Promise<void> {
      stopped ??= Promise.resolve().then(() => backend.stop?.());
      return stopped;
    },
  };
}

/** Rejects negative and NaN deltas before they reach the backend, as Prometheus does. */
class CheckedCounter implements CounterSeries {
  private readonly name: string;
  private readonly series: CounterSeries;

  constructor(name: string, series: CounterSeries) {
    this.name = name;
    this.series = series;
  }

  add(delta: number): void {
    if (!(delta >= 0)) throw new RangeError(`counter "${this.name}" can only go up; add(${String(delta)})`);
    this.series.add(delta);
  }
}

function check(kind: Kind, options: MetricOptions<string>): MetricDesc {
  const { name, help } = options as Partial<MetricOptions<string>>;
  if (typeof name !== "string" || !metricName.test(name)) {
    throw new TypeError(`${kind} name ${JSON.stringify(name)} must match ${String(metricName)}`);
  }
  if (typeof help !== "string") throw new TypeError(`${kind} "${name}" needs a help string`);
  const labels = Object.freeze([...(options.labels ?? [])]);
  const seen = new Set<string>();
  for (const label of labels) {
    if (typeof label !== "string" || !labelName.test(label) || label.startsWith("__")) {
      throw new TypeError(
        `${kind} "${name}": label name ${JSON.stringify(label)} must match ${String(labelName)} and not start with "__"`,
      );
    }
    if (seen.has(label)) throw new TypeError(`${kind} "${name}": label "${label}" is declared twice`);
    seen.add(label);
  }
  return Object.freeze({ name, help, labels });
}

function checkHistogram(options: HistogramOptions<string>): HistogramDesc {
  const desc = check("histogram", options);
  const buckets = options.buckets === undefined ? defaultBuckets : Object.freeze([...options.buckets]);
  let previous = -Infinity;
  for (const bound of buckets) {
    if (!Number.isFinite(bound) || bound <= previous) {
      throw new TypeError(
        `histogram "${desc.name}": buckets must be finite and strictly increasing, got [${buckets.join(", ")}]`,
      );
    }
    previous = bound;
  }
  return Object.freeze({ ...desc, buckets });
}

function sameShape(a: MetricDesc | HistogramDesc, b: MetricDesc | HistogramDesc): boolean {
  return a.help === b.help && sameList(a.labels, b.labels) && sameList(bucketsOf(a), bucketsOf(b));
}

function bucketsOf(desc: MetricDesc | HistogramDesc): readonly number[] {
  return "buckets" in desc ? desc.buckets : [];
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function describe(kind: Kind, desc: MetricDesc | HistogramDesc): string {
  const buckets = "buckets" in desc ? ` buckets [${desc.buckets.join(", ")}]` : "";
  return `${kind} with labels [${desc.labels.join(", ")}]${buckets} and help ${JSON.stringify(desc.help)}`;
}
