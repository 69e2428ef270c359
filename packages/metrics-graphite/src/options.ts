/**
 * Options for {@link graphite}.
 *
 * @example
 * ```ts
 * const options: GraphiteOptions = {
 *   host: "graphite.internal",
 *   prefix: "addsvc.",
 *   flushInterval: 10_000,
 *   onError: (err) => { logger.warn(err); },
 * };
 * const metrics = graphite(options);
 * ```
 */
export interface GraphiteOptions {
  /** The Carbon server's host. Default: `"127.0.0.1"`. */
  readonly host?: string;
  /** The Carbon plaintext port (TCP). Default: `2003`. */
  readonly port?: number;
  /**
   * Prepended as is to every metric path: `"addsvc."` turns `requests_total` into
   * `addsvc.requests_total`. It must not contain whitespace or `;`. Default: none.
   */
  readonly prefix?: string;
  /**
   * Milliseconds between automatic flushes; the timer is unref'd, so it never keeps the
   * process alive. Match it to the finest retention of your Carbon storage schema: Carbon
   * keeps one value per slot, so two counter deltas written in the same slot overwrite each
   * other. `0` turns automatic flushing off (call `flush()` yourself). Default: `10000`.
   */
  readonly flushInterval?: number;
  /**
   * How counters are written: `"delta"` (what was added since the last flush, Go kit's
   * choice: sum them with `summarize` or `hitcount`) or `"total"` (everything added since the
   * series was made: read them with `nonNegativeDerivative`). Default: `"delta"`.
   */
  readonly counters?: "delta" | "total";
  /**
   * The quantiles written for each histogram series, each in `(0, 1)`, as `.pNN` paths:
   * `0.5` is `.p50`, `0.999` is `.p999`. Default: `[0.5, 0.9, 0.95, 0.99]`, Go kit's.
   */
  readonly percentiles?: readonly number[];
  /**
   * How many observations per histogram series and flush interval are kept to compute the
   * percentiles; beyond it a uniform sample of this size is kept (reservoir sampling), so
   * memory stays bounded. Count is always exact. Default: `1024`.
   */
  readonly maxSamples?: number;
  /**
   * Write labels as Graphite tags (`name;method=sum;code=ok`, Graphite 1.1+) instead of
   * folding their values into the path (`name.sum.ok`). Default: `false`.
   */
  readonly tags?: boolean;
  /**
   * How many lines that could not be sent are kept, with their timestamps, and sent first on
   * the next flush; beyond it the oldest batches are dropped (and reported to `onError`).
   * Default: `10000`.
   */
  readonly maxBufferedLines?: number;
  /** Milliseconds to wait for the connection, and for a write, before giving up on it. Default: `5000`. */
  readonly timeout?: number;
  /** Called with connection and write errors, which are otherwise dropped: metrics never throw. */
  readonly onError?: (err: Error) => void;
}
