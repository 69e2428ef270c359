/**
 * What every {@link influx} provider takes, whichever way it writes.
 *
 * @example
 * ```ts
 * const common: InfluxCommonOptions = { prefix: "addsvc_", tags: { region: "eu" }, flushInterval: 10_000 };
 * const metrics = influx({ ...common, url: "http://influx:8086", org: "acme", bucket: "svc", token });
 * ```
 */
export interface InfluxCommonOptions {
  /** Prepended as is to every measurement name: `"addsvc_"` gives `addsvc_requests_total`. Default: none. */
  readonly prefix?: string;
  /**
   * Tags written on every point, Go kit's `influx.New(tags, …)`; a label of the same name
   * takes precedence. Default: none.
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Milliseconds between automatic flushes; the timer is unref'd, so it never keeps the
   * process alive. `0` turns automatic flushing off (call `flush()` yourself). Default: `10000`.
   */
  readonly flushInterval?: number;
  /**
   * The quantiles written for each histogram series, each in `(0, 1)`, as fields `p50`, `p90`…
   * (`0.999` is `p999`). Default: `[0.5, 0.9, 0.95, 0.99]`, Go kit's.
   */
  readonly percentiles?: readonly number[];
  /**
   * How many observations per histogram series and flush interval are kept to compute the
   * percentiles; beyond it a uniform sample of this size is kept. `count` and `sum` are always
   * exact. Default: `1024`.
   */
  readonly maxSamples?: number;
  /** Called with write errors and dropped lines, which are otherwise silent: metrics never throw. */
  readonly onError?: (err: Error) => void;
}

/**
 * Writing over HTTP, to InfluxDB 2.x, 3.x or Cloud's `/api/v2/write`.
 *
 * @example
 * ```ts
 * const metrics = influx({ url: "http://127.0.0.1:8086", org: "acme", bucket: "svc", token: process.env.INFLUX_TOKEN });
 * ```
 */
export interface InfluxV2Options extends InfluxCommonOptions {
  /** The server's base URL, such as `"http://127.0.0.1:8086"` (a path, if any, is kept as a prefix). */
  readonly url: string;
  /** The organization, sent as `org=`. */
  readonly org: string;
  /** The bucket, sent as `bucket=`. */
  readonly bucket: string;
  /** An API token, sent as `Authorization: Token <token>`. Default: none. */
  readonly token?: string | undefined;
  /** Lines per request at most; a flush with more sends several requests. Default: `5000`. */
  readonly batchSize?: number;
  /**
   * Lines kept after a failed write (a 5xx, a 429, a network error or a timeout) and sent first
   * next time; beyond it the oldest are dropped and reported. Default: `10000`.
   */
  readonly maxBufferedLines?: number;
  /** Milliseconds to wait for one write request. Default: `10000`. */
  readonly timeout?: number;
  /** Not for HTTP v2. */
  readonly db?: never;
  /** Not for HTTP v2. */
  readonly udp?: never;
}

/**
 * Writing over HTTP, to InfluxDB 1.x's `/write?db=` (also served by 2.x and 3.x for
 * compatibility).
 *
 * @example
 * ```ts
 * const metrics = influx({ url: "http://127.0.0.1:8086", db: "svc", rp: "autogen" });
 * ```
 */
export interface InfluxV1Options extends InfluxCommonOptions {
  /** The server's base URL, such as `"http://127.0.0.1:8086"`. */
  readonly url: string;
  /** The database, sent as `db=`. */
  readonly db: string;
  /** The retention policy, sent as `rp=`. Default: the database's default. */
  readonly rp?: string;
  /** User name and password, sent as HTTP basic authentication. Default: none. */
  readonly username?: string;
  /** The password for `username`. */
  readonly password?: string;
  /** Lines per request at most. Default: `5000`. */
  readonly batchSize?: number;
  /** Lines kept after a failed write, as for v2. Default: `10000`. */
  readonly maxBufferedLines?: number;
  /** Milliseconds to wait for one write request. Default: `10000`. */
  readonly timeout?: number;
  /** Not for HTTP v1. */
  readonly org?: never;
  /** Not for HTTP v1. */
  readonly udp?: never;
}

/**
 * Writing datagrams to InfluxDB 1.x's UDP listener (`[[udp]]`), fire and forget, with
 * nanosecond timestamps (the listener's default precision).
 *
 * @example
 * ```ts
 * const metrics = influx({ udp: { host: "127.0.0.1", port: 8089 } });
 * ```
 */
export interface InfluxUdpOptions extends InfluxCommonOptions {
  /** The UDP listener. */
  readonly udp: {
    /** Its host. Default: `"127.0.0.1"`; an IPv6 literal uses a `udp6` socket. */
    readonly host?: string;
    /** Its port. Default: `8089`. */
    readonly port?: number;
  };
  /** The largest datagram, in bytes; lines are packed up to it. Default: `1400`. */
  readonly maxPacketBytes?: number;
  /** Not for UDP. */
  readonly url?: never;
}

/**
 * Options for {@link influx}: one of {@link InfluxV2Options} (`url`, `org`, `bucket`),
 * {@link InfluxV1Options} (`url`, `db`) or {@link InfluxUdpOptions} (`udp`), each with
 * {@link InfluxCommonOptions}.
 *
 * @example
 * ```ts
 * const options: InfluxOptions = { url: "http://127.0.0.1:8086", org: "acme", bucket: "svc", token };
 * const metrics = influx(options);
 * ```
 */
export type InfluxOptions = InfluxV2Options | InfluxV1Options | InfluxUdpOptions;
