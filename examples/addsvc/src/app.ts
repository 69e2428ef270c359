// Wires addsvc together, as Go kit's cmd/addsvc does: service → endpoints (with logging and
// instrumenting middleware) → the HTTP transport (with /metrics) on a node:http server and the
// gRPC transport on a grpc-js server. main.ts, the demo and the tests all start it through
// start(); the message transports (NATS, AMQP, Kafka, SQS) join in main.ts when given a broker.
import type { Provider } from "@kit/metrics";
import { prometheus, type PrometheusProvider } from "@kit/metrics-prometheus";
import { listen } from "@kit/transport-http";
import { newEndpointSet, type EndpointSet } from "./endpoints.ts";
import { startGrpc } from "./grpc.ts";
import { traceEndpoints } from "./tracing.ts";
import { httpHandler } from "./http.ts";
import type { Logger } from "./middleware.ts";
import { newBasicService } from "./service.ts";

/** Where and how {@link start} runs addsvc. */
export interface StartOptions {
  /** The address to listen on; default `"127.0.0.1"`. */
  readonly host?: string;
  /** The port to listen on; default `8081`, Go kit's; `0` picks a free one. */
  readonly port?: number;
  /** Gets the startup line, one line per call (logging middleware) and one per transport error. */
  readonly logger: Logger;
  /**
   * Where the instrumenting middleware records; default `prometheus({ prefix: "addsvc_" })`, a
   * registry of its own. A Prometheus provider (one with a `registry`) is served at `/metrics`;
   * any other (`memory()` in tests) records without `/metrics`.
   */
  readonly metrics?: Provider | PrometheusProvider;
  /**
   * The port gRPC listens on, on the same host; default `8082`, Go kit's, or a free one when
   * `port` is `0`.
   */
  readonly grpcPort?: number;
  /** The address gRPC listens on; default `host`. */
  readonly grpcHost?: string;
  /** How long {@link App.close} waits for in-flight requests before cutting them off; default 5000 ms. */
  readonly shutdownGraceMs?: number;
  /**
   * Traces every call with the global OpenTelemetry tracer (see `traceToZipkin`): a SERVER span
   * per HTTP request, continuing the caller's W3C trace context, and a `Sum` or `Concat` span
   * per endpoint call under it. Default `false`.
   */
  readonly tracing?: boolean;
}

/** A running addsvc, as {@link start} returns it. */
export interface App {
  /** The base URL to call, such as `http://127.0.0.1:8081`. */
  readonly url: string;
  /** The address it listens on, `host:port`, such as `127.0.0.1:8081`. */
  readonly addr: string;
  /** Where gRPC listens, `host:port`, such as `127.0.0.1:8082`: a gRPC target. */
  readonly grpcAddr: string;
  /** The endpoints both transports serve, for a message transport to serve too. */
  readonly endpoints: EndpointSet;
  /** The provider the endpoints record on: the one given, or the default Prometheus one. */
  readonly metrics: Provider | PrometheusProvider;
  /**
   * Shuts both servers down gracefully: they stop accepting connections, let the requests in
   * flight finish (closing HTTP connections once answered) and close idle keep-alive
   * connections; anything still open after the grace period is cut. Resolves when every
   * connection is closed. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Starts addsvc over HTTP and gRPC, Go kit's `cmd/addsvc` wiring: the basic service, the
 * endpoint set with logging and instrumenting middleware, {@link httpHandler} (`/sum`,
 * `/concat` and `/metrics`) on a `node:http` server (`@kit/transport-http`'s `listen`), and the `pb.Add` gRPC service (`startGrpc`)
 * on a grpc-js server. Logs `transport=HTTP addr=<host:port>` and `transport=gRPC addr=…` once
 * they listen.
 *
 * @param options - host, ports, logger, metrics provider, shutdown grace period, tracing
 *
 * @example
 * ```ts
 * const app = await start({ host: "127.0.0.1", port: 0, logger });
 * const svc = httpClient(app.url);
 * // … and GET `${app.url}/metrics` for addsvc_requests_total and friends
 * await app.close();
 * ```
 */
export async function start(options: StartOptions): Promise<App> {
  const { host = "127.0.0.1", port = 8081, logger, shutdownGraceMs = 5_000 } = options;
  const grpcPort = options.grpcPort ?? (port === 0 ? 0 : 8082);
  const metrics = options.metrics ?? prometheus({ prefix: "addsvc_" });
  const tracing = options.tracing ?? false;
  const instrumented = newEndpointSet(newBasicService(), { logger, metrics });
  const endpoints = tracing ? traceEndpoints(instrumented) : instrumented;
  const handler = httpHandler(endpoints, isPrometheus(metrics) ? { logger, registry: metrics.registry, tracing } : { logger, tracing });

  const web = await listen(handler, { host, port, graceMs: shutdownGraceMs });
  logger.log("transport", "HTTP", "addr", web.addr);
  let grpcApp: Awaited<ReturnType<typeof startGrpc>>;
  try {
    grpcApp = await startGrpc(endpoints, { host: options.grpcHost ?? host, port: grpcPort, logger, shutdownGraceMs });
  } catch (err) {
    await web.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= Promise.all([grpcApp.close(), web.close()]).then(() => undefined));
  return { url: web.url, addr: web.addr, grpcAddr: grpcApp.addr, endpoints, metrics, close };
}

function isPrometheus(metrics: Provider | PrometheusProvider): metrics is PrometheusProvider {
  return "registry" in metrics && typeof metrics.registry === "object";
}

/**
 * Splits a listen address, Go's `host:port` (`127.0.0.1:8081`, `[::1]:8081`, `:8081`). An
 * empty host means `127.0.0.1`: unlike Go kit, whose `:8081` listens on every interface,
 * addsvc listens on loopback unless told otherwise.
 *
 * @param addr - the address, as given to `--http-addr` or `HTTP_ADDR`
 *
 * @example
 * ```ts
 * parseAddr("127.0.0.1:8081"); // { host: "127.0.0.1", port: 8081 }
 * parseAddr(":0"); // { host: "127.0.0.1", port: 0 }
 * ```
 */
export function parseAddr(addr: string): { host: string; port: number } {
  const colon = addr.lastIndexOf(":");
  const portText = colon === -1 ? "" : addr.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65_535) {
    throw new RangeError(`invalid address ${JSON.stringify(addr)}: want host:port, such as 127.0.0.1:8081`);
  }
  let host = addr.slice(0, colon);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { host: host === "" ? "127.0.0.1" : host, port: Number(portText) };
}
