// addsvc wired together, Go kit's cmd/addsvc: the service's endpoints with kitgen's logging and
// instrumenting middleware, served by kitgen's serveAdd on each transport given: HTTP (and
// /metrics), gRPC (and the streams), JSON-RPC with Go kit's method names, and the brokers.
import { background, Code, KitError, type Context } from "@kit/endpoint";
import type { Provider } from "@kit/metrics";
import { metricsHandler, prometheus, type PrometheusProvider } from "@kit/metrics-prometheus";
import { httpServerTrace, traceEndpoint } from "@kit/tracing";
import type { Unrouted } from "@kit/transport-http";
import { makeEndpoints as streamEndpoints } from "./generated/add-streams/add-streams.endpoints.ts";
import { grpcServe as serveStreams } from "./generated/add-streams/add-streams.grpc.ts";
import { makeEndpoints, type AddEndpoints, type ConcatRequest, type SumRequest } from "./generated/add.endpoints.ts";
import { encodeErrorBody } from "./generated/add.http.ts";
import { withMiddleware, type Logger } from "./generated/add.middleware.ts";
import { serveAdd, type AddServeOptions } from "./generated/add.serve.ts";
import { newBasicService } from "./service.ts";
import { streamsOver } from "./streams.ts";

/** How {@link start} runs addsvc: `serveAdd`'s address or URL of each transport to serve (HTTP's `http: ":0"`, say), and these. */
export interface StartOptions extends AddServeOptions {
  /** Gets a line per listener, per call and per error answered. */
  readonly logger: Logger;
  /** Where calls are counted; default `prometheus({ prefix: "addsvc_" })`, a Prometheus one being served at `/metrics`. */
  readonly metrics?: Provider | PrometheusProvider;
  /** A span per HTTP request and per endpoint call (`Sum`, `Concat`) on the global tracer. */
  readonly tracing?: boolean;
}

/** A running addsvc, as {@link start} gives it. */
export type App = Awaited<ReturnType<typeof start>>;

/**
 * Starts addsvc on each transport `options` gives: HTTP (`/sum`, `/concat`, `/metrics`), gRPC
 * (`pb.Add`), JSON-RPC (`sum`, `concat`) and the brokers' `addsvc.sum` and `addsvc.concat`.
 *
 * @param options - the transports, the logger, metrics and tracing
 * @returns HTTP's `url` and `addr`, gRPC's `grpcAddr` (empty when not served), the `endpoints` and `metrics` served, and `close()`: graceful, idempotent
 */
export async function start(options: StartOptions) {
  const { logger, tracing = false } = options;
  const metrics = options.metrics ?? prometheus({ prefix: "addsvc_" });
  const observed = withMiddleware(makeEndpoints(newBasicService()), { logger, metrics });
  const endpoints: AddEndpoints = tracing ? { sum: traceEndpoint<SumRequest, number>("Sum")(observed.sum), concat: traceEndpoint<ConcatRequest, string>("Concat")(observed.concat) } : observed;
  const traced = tracing ? { routeOptions: (_method: string, route: string) => httpServerTrace({ route }) } : {};
  // Go's int64 is wider than a safe integer: the service, not kitgen's validator, refuses one in `err`.
  const sum = (_ctx: Context, m: Record<string, unknown>) => ({ a: Number(m.a), b: Number(m.b) });
  const served = await serveAdd(endpoints, {
    prefix: "addsvc",
    concurrency: 16,
    ...options,
    httpOptions: { notFound: notFound(metrics), ...traced },
    grpcOptions: { decoders: { sum } },
    grpcServices: (server, handling) => {
      serveStreams(server, streamEndpoints(streamsOver(endpoints.sum)), handling);
    },
    jsonRpcOptions: { names: { sum: "sum", concat: "concat" } },
  });
  const { http: addr = "", grpc: grpcAddr = "" } = served.addrs;
  return { url: `http://${addr}`, addr, grpcAddr, endpoints, metrics, close: () => served.close() };
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
