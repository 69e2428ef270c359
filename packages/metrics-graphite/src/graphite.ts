import { type Backend, type Provider, provider } from "@kit/metrics";
import { FlushLoop } from "@kit/metrics/push";
import { Connection } from "./internal/connection.ts";
import { metricName, seriesPath } from "./internal/path.ts";
import { CounterCell, type Flushed, GaugeCell, HistogramCell } from "./internal/series.ts";
import type { GraphiteOptions } from "./options.ts";

/**
 * A {@link Provider} that writes to Graphite's plaintext protocol over TCP.
 *
 * @example
 * ```ts
 * const metrics = graphite({ flushInterval: 0 });
 * metrics.gauge({ name: "up", help: "Up." }).set(1);
 * await metrics.flush(); // writes "up 1 1764000000\n"
 * ```
 */
export interface GraphiteProvider extends Provider {
  /**
   * Writes every series now (with what is kept from failed flushes first); resolves when the
   * lines are handed to the kernel, or the attempt failed and was reported to `onError`. Never
   * rejects. After `stop()` it does nothing.
   */
  flush(): Promise<void>;
}

const unsafePrefix = /[\s;]/;
// Checked at run time too, for untyped callers.
const counterModes: ReadonlySet<string> = new Set(["delta", "total"]);
const defaultPercentiles: readonly number[] = [0.5, 0.9, 0.95, 0.99];

/**
 * A {@link Provider} that writes Graphite's plaintext protocol (`path value timestamp\n`) to
 * Carbon over TCP, Go kit's `metrics/graphite`.
 *
 * Recording only touches numbers in the series that `with(labels)` returns. Every
 * `flushInterval` ms (and on `flush()` and `stop()`) every series is written, all with the
 * same timestamp (Unix seconds): a counter's delta since the last flush (or its total, see
 * `counters`), a gauge's value, and for a histogram `path.count` (observations this interval)
 * and `path.p50`, `.p90`, `.p95`, `.p99` over this interval's observations. Label values are
 * folded into the path (`requests_total.sum.ok`) or written as tags (`tags: true`).
 *
 * The connection is opened on the first flush and again on the next flush after it is lost.
 * Lines that fail to go out are kept (up to `maxBufferedLines`) and sent first next time, with
 * their own timestamps, so a Carbon restart loses at most the batch written into a connection
 * that had already died without a sign. Errors go to `onError`; recording and flushing never
 * throw. `stop()` flushes once more, then closes the connection.
 *
 * @example
 * ```ts
 * import { graphite } from "@kit/metrics-graphite";
 *
 * const metrics = graphite({ host: "carbon.internal", prefix: "addsvc." });
 * const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
 * jobs.with({ queue: "mail" }).add(1);
 * // within 10 s: "addsvc.jobs_total.mail 1 1764000000\n" to carbon.internal:2003
 * await metrics.stop();
 * ```
 */
export function graphite(options: GraphiteOptions = {}): GraphiteProvider {
  const { host, port, prefix, flushInterval, counters, percentiles, maxSamples, tags, maxBufferedLines, timeout, onError } =
    settingsOf(options);

  const series: Flushed[] = [];
  const connection = new Connection(host, port, timeout, onError);
  /** Batches that failed to go out, oldest first, each with its number of lines. */
  const unsent: { text: string; lines: number }[] = [];
  let unsentLines = 0;

  const keep = <S extends Flushed>(s: S): S => {
    series.push(s);
    return s;
  };
  const path = (name: string, labels: readonly string[], values: readonly string[]): string =>
    seriesPath(prefix + metricName(name), labels, values, tags);

  const backend: Backend = {
    counter: (desc) => (values) => keep(new CounterCell(path(desc.name, desc.labels, values), counters === "delta")),
    gauge: (desc) => (values) => keep(new GaugeCell(path(desc.name, desc.labels, values))),
    histogram: (desc) => (values) => keep(new HistogramCell(path(desc.name, desc.labels, values), percentiles, maxSamples)),
    stop: () => loop.stop(),
  };

  async function flushNow(): Promise<void> {
    const lines: string[] = [];
    const timestamp = String(Math.floor(Date.now() / 1000));
    for (const s of series) s.drain(lines, timestamp);
    if (lines.length > 0) {
      unsent.push({ text: lines.join("\n") + "\n", lines: lines.length });
      unsentLines += lines.length;
    }
    let dropped = 0;
    while (unsentLines > maxBufferedLines && unsent.length > 1) {
      const oldest = unsent.shift();
      unsentLines -= oldest?.lines ?? 0;
      dropped += oldest?.lines ?? 0;
    }
    if (dropped > 0) onError(new Error(`graphite: dropped ${String(dropped)} unsent lines, over maxBufferedLines (${String(maxBufferedLines)})`));
    if (unsent.length === 0) return;
    const batch = unsent.map((b) => b.text).join("");
    if (await connection.write(batch)) {
      unsent.length = 0;
      unsentLines = 0;
    }
  }

  const loop = new FlushLoop({ interval: flushInterval, flush: flushNow, onError, close: () => connection.close() });

  return { ...provider(backend), flush: () => loop.flush() };
}

/** The options with their defaults filled in, checked. */
interface Settings {
  readonly host: string;
  readonly port: number;
  readonly prefix: string;
  readonly flushInterval: number;
  readonly counters: NonNullable<GraphiteOptions["counters"]>;
  readonly percentiles: number[];
  readonly maxSamples: number;
  readonly tags: boolean;
  readonly maxBufferedLines: number;
  readonly timeout: number;
  readonly onError: (err: Error) => void;
}

function settingsOf(options: GraphiteOptions): Settings {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 2003;
  const prefix = options.prefix ?? "";
  const flushInterval = options.flushInterval ?? 10_000;
  const counters = options.counters ?? "delta";
  const percentiles = [...(options.percentiles ?? defaultPercentiles)];
  const maxSamples = options.maxSamples ?? 1024;
  const tags = options.tags ?? false;
  const maxBufferedLines = options.maxBufferedLines ?? 10_000;
  const timeout = options.timeout ?? 5000;
  const onError = options.onError ?? ignore;

  if (unsafePrefix.test(prefix)) throw new TypeError(`graphite: prefix ${JSON.stringify(prefix)} must not contain whitespace or ";"`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`graphite: port ${String(port)} must be 1-65535`);
  if (!(flushInterval >= 0) || !Number.isFinite(flushInterval)) {
    throw new RangeError(`graphite: flushInterval ${String(flushInterval)} must be a finite number of ms, 0 or more`);
  }
  if (!counterModes.has(counters)) {
    throw new TypeError(`graphite: counters ${JSON.stringify(counters)} must be "delta" or "total"`);
  }
  for (const q of percentiles) {
    if (!(q > 0 && q < 1)) throw new RangeError(`graphite: percentile ${String(q)} must be in (0, 1)`);
  }
  positiveInteger("maxSamples", maxSamples);
  positiveInteger("maxBufferedLines", maxBufferedLines);
  if (!(timeout > 0)) throw new RangeError(`graphite: timeout ${String(timeout)} must be more than 0 ms`);
  return { host, port, prefix, flushInterval, counters, percentiles, maxSamples, tags, maxBufferedLines, timeout, onError };
}

function positiveInteger(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`graphite: ${what} ${String(n)} must be a positive integer`);
}

function ignore(): void {
  // Errors are dropped unless `onError` is given: metrics never throw.
}
