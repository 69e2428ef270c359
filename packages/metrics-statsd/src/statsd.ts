import { type Backend, type Provider, provider } from "@kit/metrics";
import { FlushLoop } from "@kit/metrics/push";
import { UdpSender } from "@kit/metrics/udp";
import { lineParts, metricName, sampling } from "./internal/format.ts";
import { type Buffered, CounterBuffer, GaugeBuffer, HistogramBuffer, type Sampler } from "./internal/series.ts";
import type { StatsdOptions } from "./options.ts";

/**
 * A {@link Provider} that buffers metrics and sends them to a StatsD server over UDP.
 *
 * @example
 * ```ts
 * const metrics = statsd({ flavour: "statsd", flushInterval: 0 });
 * metrics.gauge({ name: "up", help: "Up." }).set(1);
 * await metrics.flush(); // sends "up:1|g"
 * ```
 */
export interface StatsdProvider extends Provider {
  /**
   * Sends what was recorded since the last flush now, packed into datagrams; resolves when
   * they are handed to the socket. After `stop()` it does nothing.
   */
  flush(): Promise<void>;
}

const unsafePrefix = /[:|@#,=\s]/;
// Checked at run time too, for untyped callers.
const flavours: ReadonlySet<string> = new Set(["statsd", "dogstatsd", "influxstatsd"]);
const histogramTypes: ReadonlySet<string> = new Set(["ms", "h"]);

/**
 * A {@link Provider} that writes the StatsD line protocol in one of three flavours (StatsD,
 * DogStatsD, InfluxStatsD), Go kit's `metrics/statsd`, `dogstatsd` and `influxstatsd`.
 *
 * Recording only touches numbers: a counter sums its deltas, a gauge keeps its value, a
 * histogram keeps its observations, each in the series that `with(labels)` returns. Every
 * `flushInterval` ms (and on `flush()` and `stop()`) the series are formatted into lines
 * (`name:3|c`, `name:12|g`, one `name:0.25|ms` per observation), packed into datagrams of at
 * most `maxPacketBytes` and sent to `host:port`. Counters and histograms are sampled at
 * `sampleRate` (or `sampleRates[name]`): recorded with that probability, written with `|@rate`.
 * Non-finite values are dropped. Send errors go to `onError`; recording never throws.
 * `stop()` flushes, then closes the socket.
 *
 * @example
 * ```ts
 * import { statsd } from "@kit/metrics-statsd";
 *
 * const metrics = statsd({ flavour: "dogstatsd", prefix: "addsvc." });
 * const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
 * jobs.with({ queue: "mail" }).add(1);
 * // within a second: "addsvc.jobs_total:1|c|#queue:mail" to 127.0.0.1:8125
 * await metrics.stop();
 * ```
 */
export function statsd(options: StatsdOptions): StatsdProvider {
  const settings = settingsOf(options);
  const { flavour, prefix, flushInterval, maxPacketBytes, defaultRate, sampleRates, random, histogramType } = settings;
  const { host, port, onError } = settings;
  const link = new UdpSender({ host, port, maxPacketBytes, lineEnd: "between", onError });
  const series: Buffered[] = [];
  const signedIsRelative = flavour !== "dogstatsd";

  const samplerFor = (name: string): Sampler => ({ rate: sampleRates[name] ?? defaultRate, random });
  const partsFor = (name: string, labels: readonly string[], values: readonly string[]): ReturnType<typeof lineParts> =>
    lineParts(flavour, prefix + metricName(name), labels, values);
  const keep = <S extends Buffered>(s: S): S => {
    series.push(s);
    return s;
  };

  const backend: Backend = {
    counter(desc) {
      const sampler = samplerFor(desc.name);
      return (values) => {
        const { head, tail } = partsFor(desc.name, desc.labels, values);
        return keep(new CounterBuffer(head, `|c${sampling(sampler.rate)}${tail}`, sampler));
      };
    },
    gauge(desc) {
      return (values) => {
        const { head, tail } = partsFor(desc.name, desc.labels, values);
        return keep(new GaugeBuffer(head, `|g${tail}`, signedIsRelative));
      };
    },
    histogram(desc) {
      const sampler = samplerFor(desc.name);
      return (values) => {
        const { head, tail } = partsFor(desc.name, desc.labels, values);
        return keep(new HistogramBuffer(head, `|${histogramType}${sampling(sampler.rate)}${tail}`, sampler));
      };
    },
    stop: () => loop.stop(),
  };

  async function flushNow(): Promise<void> {
    const entries: string[] = [];
    for (const s of series) s.drain(entries);
    if (entries.length === 0) return;
    await link.send(entries);
  }

  const loop = new FlushLoop({ interval: flushInterval, flush: flushNow, onError, close: () => link.close() });

  return { ...provider(backend), flush: () => loop.flush() };
}

/** The options with their defaults filled in, checked. */
interface Settings {
  readonly flavour: StatsdOptions["flavour"];
  readonly host: string;
  readonly port: number;
  readonly prefix: string;
  readonly flushInterval: number;
  readonly maxPacketBytes: number;
  readonly defaultRate: number;
  readonly sampleRates: Readonly<Record<string, number>>;
  readonly random: () => number;
  readonly histogramType: string;
  readonly onError: (err: Error) => void;
}

function settingsOf(options: StatsdOptions): Settings {
  const { flavour } = options;
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8125;
  const prefix = options.prefix ?? "";
  const flushInterval = options.flushInterval ?? 1000;
  const maxPacketBytes = options.maxPacketBytes ?? 1432;
  const defaultRate = options.sampleRate ?? 1;
  const sampleRates = options.sampleRates ?? {};
  const random = options.random ?? Math.random;
  const onError = options.onError ?? ignore;
  const histogramType = options.histogramType ?? (flavour === "dogstatsd" ? "h" : "ms");

  if (!flavours.has(flavour)) {
    throw new TypeError(`statsd: flavour ${JSON.stringify(flavour)} must be "statsd", "dogstatsd" or "influxstatsd"`);
  }
  if (unsafePrefix.test(prefix)) {
    throw new TypeError(`statsd: prefix ${JSON.stringify(prefix)} must not contain ":", "|", "@", "#", ",", "=" or whitespace`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`statsd: port ${String(port)} must be 1-65535`);
  if (!(flushInterval >= 0) || !Number.isFinite(flushInterval)) {
    throw new RangeError(`statsd: flushInterval ${String(flushInterval)} must be a finite number of ms, 0 or more`);
  }
  if (!Number.isInteger(maxPacketBytes) || maxPacketBytes < 1) {
    throw new RangeError(`statsd: maxPacketBytes ${String(maxPacketBytes)} must be a positive integer`);
  }
  checkRate("sampleRate", defaultRate);
  for (const [name, rate] of Object.entries(sampleRates)) checkRate(`sampleRates.${name}`, rate);
  if (!histogramTypes.has(histogramType)) {
    throw new TypeError(`statsd: histogramType ${JSON.stringify(histogramType)} must be "ms" or "h"`);
  }
  return { flavour, host, port, prefix, flushInterval, maxPacketBytes, defaultRate, sampleRates, random, histogramType, onError };
}

function checkRate(what: string, rate: number): void {
  if (!(rate > 0 && rate <= 1)) throw new RangeError(`statsd: ${what} ${String(rate)} must be in (0, 1]`);
}

function ignore(): void {
  // Errors are dropped unless `onError` is given: metrics never throw.
}
