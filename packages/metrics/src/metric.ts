/**
 * Label values for the label names `L`: exactly one string per declared name. In an object
 * literal, a missing or an unknown name does not compile.
 */
export type Labels<L extends string> = Readonly<Record<L, string>>;

/**
 * A metric declared with label names `L`: it records nothing itself; {@link Labelled.with}
 * binds every label to a value and returns the child that records.
 */
export interface Labelled<M, L extends string> {
  /**
   * The child for these label values. It is made once per set of values and cached, so calling
   * `with` again with the same values returns the same object, and recording on it allocates
   * nothing. Throws a `TypeError` naming the labels when a label is missing or unknown.
   *
   * @example
   * ```ts
   * const ok = requests.with({ method: "sum", code: "ok" }); // bind once, outside the hot path
   * ok.add(1);
   * ```
   */
  with(labels: Labels<L>): M;
}

/** A counter's child for one set of label values, or an unlabelled counter: it only goes up. */
export interface CounterSeries {
  /** Adds `delta`, which must be zero or more (a `RangeError` otherwise). */
  add(delta: number): void;
}

/** A gauge's child for one set of label values, or an unlabelled gauge: a value that goes up and down. */
export interface GaugeSeries {
  /** Sets the value. */
  set(value: number): void;
  /** Adds `delta` (negative to subtract). */
  add(delta: number): void;
}

/** A histogram's child for one set of label values, or an unlabelled histogram. */
export interface HistogramSeries {
  /** Records one observation, such as a duration in seconds. */
  observe(value: number): void;
}

/**
 * A counter, Go kit's `metrics.Counter`. Declared without labels it is a {@link CounterSeries}
 * and counts directly; declared with labels `L` it is {@link Labelled} and counts through
 * `with(labels)`.
 *
 * @example
 * ```ts
 * const requests = provider.counter({ name: "requests_total", help: "Requests.", labels: ["method", "code"] });
 * requests.with({ method: "sum", code: "ok" }).add(1);
 * ```
 */
export type Counter<L extends string = never> = [L] extends [never] ? CounterSeries : Labelled<CounterSeries, L>;

/**
 * A gauge, Go kit's `metrics.Gauge`. Declared without labels it is a {@link GaugeSeries};
 * declared with labels `L` it is {@link Labelled} and records through `with(labels)`.
 *
 * @example
 * ```ts
 * const queued = provider.gauge({ name: "jobs_queued", help: "Jobs waiting." });
 * queued.set(12);
 * ```
 */
export type Gauge<L extends string = never> = [L] extends [never] ? GaugeSeries : Labelled<GaugeSeries, L>;

/**
 * A histogram, Go kit's `metrics.Histogram`. Declared without labels it is a
 * {@link HistogramSeries}; declared with labels `L` it is {@link Labelled} and observes through
 * `with(labels)`.
 *
 * @example
 * ```ts
 * const latency = provider.histogram({ name: "db_seconds", help: "Query time.", labels: ["query"] });
 * latency.with({ query: "orders" }).observe(0.012);
 * ```
 */
export type Histogram<L extends string = never> = [L] extends [never] ? HistogramSeries : Labelled<HistogramSeries, L>;
