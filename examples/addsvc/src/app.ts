// Wires addsvc together, as Go kit's cmd/addsvc does: the service's endpoints, with kitgen's
// logging and instrumenting middleware, served by kitgen's HTTP handler (plus /metrics) and gRPC
// service. main.ts, the demo and the tests start it through start(); main.ts adds the brokers.
import { Server } from "@grpc/grpc-js";
import { background, Code, KitError, type Context } from "@kit/endpoint";
import type { Provider } from "@kit/metrics";
import { metricsHandler, prometheus, type PrometheusProvider } from "@kit/metrics-prometheus";
import { httpServerTrace, traceEndpoint } from "@kit/tracing";
import { logErrorHandler } from "@kit/transport";
import { listen as listenGrpc } from "@kit/transport-grpc";
import { listen, type Unrouted } from "@kit/transport-http";
import * as streams from "./generated/add-streams/add-streams.grpc.ts";
import { makeEndpoints as streamEndpoints } from "./generated/add-streams/add-streams.endpoints.ts";
import { makeEndpoints, type AddEndpoints, type ConcatRequest, type SumRequest } from "./generated/add.endpoints.ts";
import { grpcServe } from "./generated/add.grpc.ts";
import { encodeErrorBody, httpHandler } from "./generated/add.http.ts";
import { withMiddleware, type Logger } from "./generated/add.middleware.ts";
import { newBasicService } from "./service.ts";
import { streamsOver } from "./streams.ts";

/** Where and how {@link start} runs addsvc. */
export interface StartOptions {
  /** Gets a line per listener, per call (`method`, `err`, `took_ms`) and per transport error. */
  readonly logger: Logger;
  /** HTTP's address and port; default `127.0.0.1` and Go kit's `8081` (`0`: a free one, for gRPC too). */
  readonly host?: string;
  /** See `host`. */
  readonly port?: number;
  /** gRPC's address and port; default `host` and Go kit's `8082`. */
  readonly grpcHost?: string;
  /** See `grpcHost`. */
  readonly grpcPort?: number;
  /** Where calls are counted; default `prometheus({ prefix: "addsvc_" })`, served at `/metrics`. */
  readonly metrics?: Provider | PrometheusProvider;
  /** How long `close()` lets calls in flight finish; default 5000 ms. */
  readonly shutdownGraceMs?: number;
  /** A span per HTTP request and per endpoint call (`Sum`, `Concat`) on the global tracer. */
  readonly tracing?: boolean;
}

/** A running addsvc. */
export interface App {
  /** HTTP's base URL, `http://127.0.0.1:8081`, and its `host:port`. */
  readonly url: string;
  /** See `url`. */
  readonly addr: string;
  /** gRPC's `host:port`. */
  readonly grpcAddr: string;
  /** The endpoints served, for the brokers to serve too. */
  readonly endpoints: AddEndpoints;
  /** The provider the endpoints record on. */
  readonly metrics: Provider | PrometheusProvider;
  /** Stops taking calls, lets those in flight finish (within the grace period) and resolves; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts addsvc over HTTP (`/sum`, `/concat`, `/metrics`) and gRPC (`pb.Add`), logging
 * `transport=HTTP addr=…` and `transport=gRPC addr=…` once each listens.
 *
 * @param options - the logger, addresses, metrics, grace period and tracing
 */
export async function start(options: StartOptions): Promise<App> {
  const { host = "127.0.0.1", port = 8081, logger, shutdownGraceMs: graceMs = 5_000, tracing = false } = options;
  const metrics = options.metrics ?? prometheus({ prefix: "addsvc_" });
  const observed = withMiddleware(makeEndpoints(newBasicService()), { logger, metrics });
  const endpoints: AddEndpoints = tracing ? { sum: traceEndpoint<SumRequest, number>("Sum")(observed.sum), concat: traceEndpoint<ConcatRequest, string>("Concat")(observed.concat) } : observed;
  const errorHandler = logErrorHandler(logger);
  const routeOptions = tracing ? { routeOptions: (_method: string, route: string) => httpServerTrace({ route }) } : {};
  const web = await listen(httpHandler(endpoints, { errorHandler, notFound: notFound(metrics), ...routeOptions }), { host, port, graceMs });
  logger.log("transport", "HTTP", "addr", web.addr);
  const server = new Server();
  // Go's int64 is wider than a safe integer: the service, not kitgen's validator, refuses one.
  const sum = (_ctx: Context, m: Record<string, unknown>) => ({ a: Number(m.a), b: Number(m.b) });
  grpcServe(server, endpoints, { errorHandler, decoders: { sum } });
  streams.grpcServe(server, streamEndpoints(streamsOver(endpoints.sum)), { errorHandler });
  const grpcPort = options.grpcPort ?? (port === 0 ? 0 : 8082);
  const rpc = await listenGrpc(server, { host: options.grpcHost ?? host, port: grpcPort, graceMs }).catch(async (err: unknown) => {
    await web.close();
    throw err;
  });
  logger.log("transport", "gRPC", "addr", rpc.addr);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= Promise.all([rpc.close(), web.close()]).then(() => undefined));
  return { url: web.url, addr: web.addr, grpcAddr: rpc.addr, endpoints, metrics, close };
}

/** `/metrics` (GET, HEAD) for a Prometheus provider; else a 404 with the JSON error body. */
function notFound(metrics: Provider | PrometheusProvider): Unrouted {
  const exposition = "registry" in metrics ? metricsHandler(metrics.registry) : undefined;
  return (req, res, path) => {
    if (path === "/metrics" && exposition !== undefined) {
      exposition(req, res);
      return;
    }
    const shown = path.length > 100 ? `${path.slice(0, 100)}…` : path;
    encodeErrorBody(background(), new KitError(Code.NotFound, `404 page not found: ${shown} (try /sum or /concat)`), res);
  };
}

/**
 * Splits Go's `host:port` (`127.0.0.1:8081`, `[::1]:8081`, `:8081`); an empty host is
 * `127.0.0.1`, so addsvc listens on loopback unless told otherwise (Go kit: every interface).
 *
 * @param addr - as given to `--http-addr` or `HTTP_ADDR`
 */
export function parseAddr(addr: string): { host: string; port: number } {
  const match = /^(?:\[(.*)\]|(.*)):(\d{1,5})$/.exec(addr);
  if (match === null || Number(match[3]) > 65_535) throw new RangeError(`invalid address ${JSON.stringify(addr)}: want host:port, such as 127.0.0.1:8081`);
  const host = match[1] ?? match[2] ?? "";
  return { host: host === "" ? "127.0.0.1" : host, port: Number(match[3]) };
}
