import type { Backend, HistogramDesc, MetricDesc } from "./backend.ts";
import type { CounterSeries, GaugeSeries, HistogramSeries } from "./metric.ts";
import { provider, type Provider } from "./provider.ts";

/** A histogram's series as {@link MemoryProvider.histogramValue} reads it, Prometheus-style. */
export interface HistogramValue {
  /** How many values were observed. */
  readonly count: number;
  /** The sum of the observed values. */
  readonly sum: number;
  /**
   * Cumulative counts: for each upper bound `le` (the declared buckets, then `Infinity`), how
   * many observations were less than or equal to it.
   */
  readonly buckets: readonly {
    /** The bucket's upper bound; `Infinity` for the last. */
    readonly le: number;
    /** Observations less than or equal to `le`. */
    readonly count: number;
  }[];
}

/**
 * A {@link Provider} that keeps every value in memory for tests to read. Reads name the labels
 * by name, in any order; a name that was never declared, or labels that do not match the
 * declaration, throw, so a typo in a test fails instead of reading `undefined`.
 */
export interface MemoryProvider extends Provider {
  /**
   * The value of a counter's or a gauge's series, or `undefined` if that series does not exist:
   * `with` was never called with these label values. An unlabelled metric exists, at 0, from
   * its declaration.
   */
  value(name: string, labels?: Readonly<Record<string, string>>): number | undefined;
  /** A histogram series' count, sum and buckets, or `undefined` if that series does not exist. */
  histogramValue(name: string, labels?: Readonly<Record<string, string>>): HistogramValue | undefined;
}

class CounterCell implements CounterSeries {
  value = 0;
  add(delta: number): void {
    this.value += delta;
  }
}

class GaugeCell implements GaugeSeries {
  value = 0;
  set(value: number): void {
    this.value = value;
  }
  add(delta: number): void {
    this.value += delta;
  }
}

class HistogramCell implements HistogramSeries {
  readonly bounds: readonly number[];
  /** Per bucket, not cumulative; the last one is `+Inf`. */
  readonly counts: number[];
  count = 0;
  sum = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = [...bounds]; // not frozen: for…of over a frozen array allocates an iterator
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let i = 0;
    for (const bound of this.bounds) {
      if (value <= bound) break;
      i++;
    }
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.count++;
    this.sum += value;
  }
}

type Cell = CounterCell | GaugeCell | HistogramCell;

interface Stored {
  readonly kind: "counter" | "gauge" | "histogram";
  readonly desc: MetricDesc;
  readonly cells: Map<string, Cell>;
}

/**
 * An in-memory {@link Provider} whose values tests can read with {@link MemoryProvider.value}
 * and {@link MemoryProvider.histogramValue}.
 *
 * @example
 * ```ts
 * const metrics = memory();
 * const hits = metrics.counter({ name: "cache_hits_total", help: "Hits.", labels: ["cache"] });
 * hits.with({ cache: "users" }).add(2);
 * metrics.value("cache_hits_total", { cache: "users" }); // 2
 * ```
 */
export function memory(): MemoryProvider {
  const metrics = new Map<string, Stored>();

  function store<C extends Cell>(kind: Stored["kind"], desc: MetricDesc, cell: () => C): (values: readonly string[]) => C {
    const cells = new Map<string, Cell>();
    metrics.set(desc.name, { kind, desc, cells });
    return (values) => {
      const created = cell();
      cells.set(key(values), created);
      return created;
    };
  }

  const backend: Backend = {
    counter: (desc) => store("counter", desc, () => new CounterCell()),
    gauge: (desc) => store("gauge", desc, () => new GaugeCell()),
    histogram: (desc: HistogramDesc) => store("histogram", desc, () => new HistogramCell(desc.buckets)),
  };

  function find(name: string, labels: Readonly<Record<string, string>>, histogram: boolean): Cell | undefined {
    const stored = metrics.get(name);
    if (stored === undefined) {
      const known = [...metrics.keys()].join(", ");
      throw new Error(`no metric named "${name}" was declared (declared: ${known === "" ? "none" : known})`);
    }
    if ((stored.kind === "histogram") !== histogram) {
      throw new TypeError(
        `"${name}" is a ${stored.kind}: read it with ${stored.kind === "histogram" ? "histogramValue" : "value"}`,
      );
    }
    const names = stored.desc.labels;
    const given = Object.keys(labels);
    if (given.length !== names.length || names.some((n) => typeof labels[n] !== "string")) {
      throw new TypeError(`"${name}" has labels [${names.join(", ")}], got [${given.join(", ")}]`);
    }
    return stored.cells.get(key(names.map((n) => labels[n] ?? "")));
  }

  const base = provider(backend);
  return {
    ...base,
    value(name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
      const cell = find(name, labels, false) as CounterCell | GaugeCell | undefined;
      return cell?.value;
    },
    histogramValue(name: string, labels: Readonly<Record<string, string>> = {}): HistogramValue | undefined {
      const cell = find(name, labels, true) as HistogramCell | undefined;
      if (cell === undefined) return undefined;
      let cumulative = 0;
      const buckets = cell.counts.map((n, i) => {
        cumulative += n;
        return { le: cell.bounds[i] ?? Infinity, count: cumulative };
      });
      return { count: cell.count, sum: cell.sum, buckets };
    },
  };
}

// One string per set of label values; JSON keeps values with any characters apart.
function key(values: readonly string[]): string {
  return JSON.stringify(values);
}
