// addsvc wired together, Go kit's cmd/addsvc: the service's endpoints with kitgen's logging and
// instrumenting middleware, served by kitgen's HTTP handler (and /metrics) and gRPC services.
import { Server } from "@grpc/grpc-js";
import { background, Code, KitError, type Context } from "@kit/endpoint";
import type { Provider } from "@kit/metrics";
import { metricsHandler, prometheus, type PrometheusProvider } from "@kit/metrics-prometheus";
import { httpServerTrace, traceEndpoint } from "@kit/tracing";
import { logErrorHandler } from "@kit/transport";
import { listen as listenGrpc } from "@kit/transport-grpc";
import { listen, type Unrouted } from "@kit/transport-http";
import { makeEndpoints as streamEndpoints } from "./generated/add-streams/add-streams.endpoints.ts";
import { grpcServe as serveStreams } from "./generated/add-streams/add-streams.grpc.ts";
import { makeEndpoints, type AddEndpoints, type ConcatRequest, type SumRequest } from "./generated/add.endpoints.ts";
import { grpcServe } from "./generated/add.grpc.ts";
import { encodeErrorBody, httpHandler } from "./generated/add.http.ts";
import { withMiddleware, type Logger } from "./generated/add.middleware.ts";
import { newBasicService } from "./service.ts";
import { streamsOver } from "./streams.ts";

/** How {@link start} runs addsvc. */
export interface StartOptions {
  /** Gets a line per listener, per call and per error answered. */
  readonly logger: Logger;
  /** HTTP's address; default `127.0.0.1`. */
  readonly host?: string;
  /** HTTP's port; default Go kit's `8081`; `0` picks a free one, for gRPC too. */
  readonly port?: number;
  /** gRPC's address; default `host`. */
  readonly grpcHost?: string;
  /** gRPC's port; default Go kit's `8082`. */
  readonly grpcPort?: number;
  /** Where calls are counted; default `prometheus({ prefix: "addsvc_" })`, a Prometheus one being served at `/metrics`. */
  readonly metrics?: Provider | PrometheusProvider;
  /** How long `close()` lets calls in flight finish; default 5000 ms. */
  readonly shutdownGraceMs?: number;
  /** A span per HTTP request and per endpoint call (`Sum`, `Concat`) on the global tracer. */
  readonly tracing?: boolean;
}

/** A running addsvc, as {@link start} gives it. */
export type App = Awaited<ReturnType<typeof start>>;

/**
 * Starts addsvc over HTTP (`/sum`, `/concat`, `/metrics`) and gRPC (`pb.Add`), logging each address.
 *
 * @param options - the logger, addresses, metrics, grace period and tracing
 * @returns HTTP's `url` and `addr`, gRPC's `grpcAddr`, the `endpoints` and `metrics` served, and `close()`: graceful, idempotent
 */
export async function start(options: StartOptions) {
  const { host = "127.0.0.1", port = 8081, logger, shutdownGraceMs: graceMs = 5_000, tracing = false } = options;
  const metrics = options.metrics ?? prometheus({ prefix: "addsvc_" });
  const observed = withMiddleware(makeEndpoints(newBasicService()), { logger, metrics });
  const endpoints: AddEndpoints = tracing ? { sum: traceEndpoint<SumRequest, number>("Sum")(observed.sum), concat: traceEndpoint<ConcatRequest, string>("Concat")(observed.concat) } : observed;
  const errorHandler = logErrorHandler(logger);
  const traced = tracing ? { routeOptions: (_method: string, route: string) => httpServerTrace({ route }) } : {};
  const web = await listen(httpHandler(endpoints, { errorHandler, notFound: notFound(metrics), ...traced }), { host, port, graceMs });
  logger.log("transport", "HTTP", "addr", web.addr);
  const server = new Server();
  // Go's int64 is wider than a safe integer: the service, not kitgen's validator, refuses one in `err`.
  const sum = (_ctx: Context, m: Record<string, unknown>) => ({ a: Number(m.a), b: Number(m.b) });
  grpcServe(server, endpoints, { errorHandler, decoders: { sum } });
  serveStreams(server, streamEndpoints(streamsOver(endpoints.sum)), { errorHandler });
  const rpc = await listenGrpc(server, { host: options.grpcHost ?? host, port: options.grpcPort ?? (port === 0 ? 0 : 8082), graceMs }).catch(async (err: unknown) => {
    await web.close();
    throw err;
  });
  logger.log("transport", "gRPC", "addr", rpc.addr);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= Promise.all([rpc.close(), web.close()]).then(() => undefined));
  return { url: web.url, addr: web.addr, grpcAddr: rpc.addr, endpoints, metrics, close };
}

/** `/metrics` (`GET`, `HEAD`) for a Prometheus provider; else a 404 with the JSON error body. */
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
 * Reads Go's `host:port` (`127.0.0.1:8081`, `[::1]:8081`, `:8081`); an empty host is `127.0.0.1`.
 *
 * @param addr - as given to `--http-addr`
 */
export function parseAddr(addr: string): { host: string; port: number } {
  const match = /^(?:\[(.*)\]|(.*)):(\d{1,5})$/.exec(addr);
  if (match === null || Number(match[3]) > 65_535) throw new RangeError(`invalid address ${JSON.stringify(addr)}: want host:port, such as 127.0.0.1:8081`);
  const host = match[1] ?? match[2] ?? "";
  return { host: host === "" ? "127.0.0.1" : host, port: Number(match[3]) };
}
