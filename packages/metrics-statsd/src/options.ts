/**
 * The StatsD dialect a {@link statsd} provider writes:
 *
 * - `"statsd"`: Etsy StatsD, no tags; label values are folded into the name
 *   (`requests.sum.ok:1|c`), histograms are timings (`|ms`);
 * - `"dogstatsd"`: Datadog, tags after the type (`requests:1|c|#endpoint:sum,code:ok`),
 *   histograms are `|h`;
 * - `"influxstatsd"`: Telegraf's statsd input, tags after the name
 *   (`requests,endpoint=sum,code=ok:1|c`), histograms are timings (`|ms`).
 *
 * @example
 * ```ts
 * const flavour: Flavour = "dogstatsd";
 * const metrics = statsd({ flavour });
 * ```
 */
export type Flavour = "statsd" | "dogstatsd" | "influxstatsd";

/**
 * Options for {@link statsd}.
 *
 * @example
 * ```ts
 * const options: StatsdOptions = {
 *   flavour: "dogstatsd",
 *   prefix: "addsvc.",
 *   sampleRate: 0.5,
 *   sampleRates: { request_duration_seconds: 0.1 },
 * };
 * const metrics = statsd(options);
 * ```
 */
export interface StatsdOptions {
  /** The dialect of the lines, see {@link Flavour}. */
  readonly flavour: Flavour;
  /** The StatsD server's host. Default: `"127.0.0.1"`. */
  readonly host?: string;
  /** The StatsD server's UDP port. Default: `8125`. */
  readonly port?: number;
  /**
   * Prepended as is to every metric name, Go kit style: `"addsvc."` turns `requests_total`
   * into `addsvc.requests_total`. It must not contain `:`, `|`, `@`, `#`, `,`, `=` or
   * whitespace. Default: none.
   */
  readonly prefix?: string;
  /**
   * Milliseconds between automatic flushes; the timer is unref'd, so it never keeps the
   * process alive. `0` turns automatic flushing off (call `flush()` yourself). Default: `1000`.
   */
  readonly flushInterval?: number;
  /**
   * The largest datagram, in bytes: buffered lines are packed into datagrams up to this size,
   * split between lines. A single line longer than this is sent alone. Default: `1432`
   * (a 1500-byte Ethernet MTU minus IP and UDP headers, with room for IPv6).
   */
  readonly maxPacketBytes?: number;
  /**
   * The default sample rate of counters and histograms, in `(0, 1]`: each `add` or `observe`
   * is recorded with this probability and the line carries `|@rate`, so the server scales it
   * back up (Go kit's semantics). Gauges are never sampled. Default: `1` (no sampling).
   */
  readonly sampleRate?: number;
  /**
   * Sample rates per metric name (the declared name, without `prefix`), overriding
   * `sampleRate`. `@kit/metrics` declarations carry no backend options, so this is where a
   * per-metric rate goes.
   */
  readonly sampleRates?: Readonly<Record<string, number>>;
  /**
   * How histograms are written: `"ms"` (a timing) or `"h"` (a histogram). Default: `"h"` for
   * `"dogstatsd"`, `"ms"` otherwise. Values are written as observed, never scaled: `instrument`
   * observes seconds.
   */
  readonly histogramType?: "ms" | "h";
  /** The source of randomness for sampling, returning a number in `[0, 1)`. Default: `Math.random`. */
  readonly random?: () => number;
  /** Called with socket and send errors, which are otherwise dropped: metrics never throw. */
  readonly onError?: (err: Error) => void;
}
