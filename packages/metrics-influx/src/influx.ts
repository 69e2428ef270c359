import { type Backend, type Provider, provider } from "@kit/metrics";
import { FlushLoop } from "@kit/metrics/push";
import { UdpSender } from "@kit/metrics/udp";
import { lineHead } from "./internal/escape.ts";
import { basic, HttpWriter, writeUrl } from "./internal/http-writer.ts";
import { CounterCell, type Flushed, GaugeCell, HistogramCell } from "./internal/series.ts";
import type { InfluxOptions } from "./options.ts";

/**
 * A {@link Provider} that writes InfluxDB line protocol.
 *
 * @example
 * ```ts
 * const metrics = influx({ url: "http://127.0.0.1:8086", org: "acme", bucket: "svc", token, flushInterval: 0 });
 * metrics.gauge({ name: "up", help: "Up." }).set(1);
 * await metrics.flush(); // POSTs "up value=1 1764000000000"
 * ```
 */
export interface InfluxProvider extends Provider {
  /**
   * Writes what changed since the last flush now (after what is kept from failed writes);
   * resolves when the writes are answered or failed (reported to `onError`). Never rejects.
   * After `stop()` it does nothing.
   */
  flush(): Promise<void>;
}

const defaultPercentiles: readonly number[] = [0.5, 0.9, 0.95, 0.99];

/** Where the lines go: HTTP, in batches that may be kept for a retry, or UDP. */
type Sink = HttpSink | { readonly kind: "udp"; readonly writer: UdpSender };

/** HTTP writes, in batches of `batchSize` lines; at most `maxBufferedLines` kept for a retry. */
interface HttpSink {
  readonly kind: "http";
  readonly writer: HttpWriter;
  readonly batchSize: number;
  readonly maxBufferedLines: number;
}

/**
 * A {@link Provider} that writes InfluxDB line protocol, Go kit's `metrics/influx`: by HTTP
 * POST to InfluxDB 2.x/3.x (`url`, `org`, `bucket`, `token`: `/api/v2/write`) or 1.x (`url`,
 * `db`: `/write`), or by UDP (`udp`).
 *
 * Recording only touches numbers in the series that `with(labels)` returns. Every
 * `flushInterval` ms (and on `flush()` and `stop()`), each series that changed since the last
 * flush becomes one point, all with the flush's timestamp, its labels as tags:
 * `requests_total,code=ok,method=sum count=3 1764000000000` for a counter (what was added
 * since the last flush), `value=12` for a gauge, and for a histogram
 * `count=…,sum=…,p50=…,p90=…,p95=…,p99=…` over the interval's observations.
 *
 * Over HTTP, lines go in requests of at most `batchSize`; a write that fails with a 5xx, a 429,
 * a network error or a timeout is reported to `onError` and kept (up to `maxBufferedLines`,
 * oldest dropped first) to be sent first on the next flush; one refused with another 4xx is
 * reported and dropped. Recording and flushing never throw. `stop()` flushes once more.
 *
 * @example
 * ```ts
 * import { influx } from "@kit/metrics-influx";
 *
 * const metrics = influx({ url: "http://127.0.0.1:8086", org: "acme", bucket: "svc", token: process.env.INFLUX_TOKEN });
 * const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
 * jobs.with({ queue: "mail" }).add(1);
 * // within 10 s: POST /api/v2/write?org=acme&bucket=svc&precision=ms  "jobs_total,queue=mail count=1 1764000000000"
 * await metrics.stop();
 * ```
 */
export function influx(options: InfluxOptions): InfluxProvider {
  const prefix = options.prefix ?? "";
  const globalTags = { ...options.tags };
  const flushInterval = options.flushInterval ?? 10_000;
  const percentiles = [...(options.percentiles ?? defaultPercentiles)];
  const maxSamples = options.maxSamples ?? 1024;
  const onError = options.onError ?? ignore;

  if (!(flushInterval >= 0) || !Number.isFinite(flushInterval)) {
    throw new RangeError(`influx: flushInterval ${String(flushInterval)} must be a finite number of ms, 0 or more`);
  }
  for (const q of percentiles) {
    if (!(q > 0 && q < 1)) throw new RangeError(`influx: percentile ${String(q)} must be in (0, 1)`);
  }
  positiveInteger("maxSamples", maxSamples);
  for (const [key, value] of Object.entries(globalTags)) {
    if (typeof value !== "string") throw new TypeError(`influx: tag "${key}" must be a string`);
  }

  const sink = makeSink(options, onError);
  const series: Flushed[] = [];
  /** Lines kept after a failed HTTP write, oldest first. */
  let unsent: string[] = [];

  const keep = <S extends Flushed>(s: S): S => {
    series.push(s);
    return s;
  };
  const head = (name: string, labels: readonly string[], values: readonly string[]): string =>
    lineHead(prefix + name, globalTags, labels, values);

  const backend: Backend = {
    counter: (desc) => (values) => keep(new CounterCell(head(desc.name, desc.labels, values))),
    gauge: (desc) => (values) => keep(new GaugeCell(head(desc.name, desc.labels, values))),
    histogram: (desc) => (values) => keep(new HistogramCell(head(desc.name, desc.labels, values), percentiles, maxSamples)),
    stop: () => loop.stop(),
  };

  async function flushNow(): Promise<void> {
    const lines: string[] = [];
    const ms = Date.now();
    // HTTP writes ask for precision=ms; the UDP listener reads nanoseconds by default.
    const timestamp = sink.kind === "udp" ? `${String(ms)}000000` : String(ms);
    for (const s of series) s.drain(lines, timestamp);
    if (sink.kind === "udp") {
      if (lines.length > 0) await sink.writer.send(lines);
      return;
    }
    unsent = await writeOverHttp(sink, unsent.length === 0 ? lines : unsent.concat(lines), onError);
  }

  const loop = new FlushLoop({ interval: flushInterval, flush: flushNow, onError, close: () => (sink.kind === "udp" ? sink.writer.close() : undefined) });

  return { ...provider(backend), flush: () => loop.flush() };
}

/**
 * Writes `pending` (the lines kept from failed writes, then the new ones) in batches, dropping
 * the oldest beyond `maxBufferedLines`; resolves with the lines to keep for the next flush.
 */
async function writeOverHttp(sink: HttpSink, pending: string[], onError: (err: Error) => void): Promise<string[]> {
  if (pending.length > sink.maxBufferedLines) {
    const dropped = pending.length - sink.maxBufferedLines;
    pending = pending.slice(dropped);
    onError(new Error(`influx: dropped the ${String(dropped)} oldest unsent lines, over maxBufferedLines (${String(sink.maxBufferedLines)})`));
  }
  let sent = 0;
  while (sent < pending.length) {
    const batch = pending.slice(sent, sent + sink.batchSize);
    const outcome = await sink.writer.write(batch.join("\n") + "\n", batch.length);
    if (outcome === "retry") break;
    sent += batch.length;
  }
  return pending.slice(sent);
}

function makeSink(options: InfluxOptions, onError: (err: Error) => void): Sink {
  if (options.udp !== undefined) {
    const { udp, maxPacketBytes = 1400 } = options;
    const port = udp.port ?? 8089;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`influx: udp.port ${String(port)} must be 1-65535`);
    positiveInteger("maxPacketBytes", maxPacketBytes);
    return { kind: "udp", writer: new UdpSender({ host: udp.host ?? "127.0.0.1", port, maxPacketBytes, lineEnd: "after", onError }) };
  }
  const http = options;
  const batchSize = http.batchSize ?? 5000;
  const maxBufferedLines = http.maxBufferedLines ?? 10_000;
  const timeout = http.timeout ?? 10_000;
  positiveInteger("batchSize", batchSize);
  positiveInteger("maxBufferedLines", maxBufferedLines);
  if (!(timeout > 0)) throw new RangeError(`influx: timeout ${String(timeout)} must be more than 0 ms`);
  if (typeof http.url !== "string" || !URL.canParse(http.url)) {
    throw new TypeError(`influx: url ${JSON.stringify(http.url)} must be an absolute URL, or pass udp`);
  }
  let url: URL;
  let authorization: string | undefined;
  if (http.db !== undefined) {
    url = writeUrl(http.url, "/write", { db: http.db, rp: http.rp, precision: "ms" });
    authorization = http.username === undefined ? undefined : basic(http.username, http.password ?? "");
  } else {
    // Checked at run time too, for untyped callers.
    const { org, bucket } = http as { org?: unknown; bucket?: unknown };
    if (typeof org !== "string" || typeof bucket !== "string") {
      throw new TypeError("influx: pass org and bucket (InfluxDB 2.x and later), db (1.x), or udp");
    }
    url = writeUrl(http.url, "/api/v2/write", { org, bucket, precision: "ms" });
    authorization = http.token === undefined ? undefined : `Token ${http.token}`;
  }
  return { kind: "http", writer: new HttpWriter(url, authorization, timeout, onError), batchSize, maxBufferedLines };
}

function positiveInteger(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`influx: ${what} ${String(n)} must be a positive integer`);
}

function ignore(): void {
  // Errors are dropped unless `onError` is given: metrics never throw.
}
