// The HTTP transport of addsvc, Go kit's pkg/addtransport/http.go: the server side (one handler
// routing /sum and /concat) and the client side (an AddClient over two HTTP client endpoints).
// Both are kitgen's (src/generated/add.http.ts: `@http ANY /sum`, `/concat`, `@goJSON`, and
// `@jsonErrorField error`: Go kit's error body), with the codes of Go kit's error messages, 404
// and /metrics given as options.
// The wire contract is Go kit's; see GO-KIT-COMPAT.md.
import type { IncomingMessage, ServerResponse } from "node:http";
import { metricsHandler } from "@kit/metrics-prometheus";
import type { Registry, RegistryContentType } from "prom-client";
import { background, Code, KitError } from "@kit/endpoint";
import { httpServerTrace } from "@kit/tracing";
import { logErrorHandler } from "@kit/transport";
import type { ClientOptions } from "@kit/transport-http";
import { addClient } from "./generated/add.endpoints.ts";
import { encodeErrorBody, httpHandler as generatedHttpHandler, httpTransport } from "./generated/add.http.ts";
import { generatedEndpoints, type AddClient, type EndpointSet } from "./endpoints.ts";
import type { Logger } from "./middleware.ts";
import { codeOfMessage } from "./service.ts";

/** What {@link httpHandler} needs besides the endpoints. */
export interface HttpHandlerOptions {
  /** Gets one line for every error the transport answers (decode errors, business errors, bugs). */
  readonly logger: Logger;
  /**
   * The prom-client registry to serve at `/metrics` (through `@kit/metrics-prometheus`'
   * `metricsHandler`: `GET`/`HEAD` only, 405 otherwise); without one, `/metrics` is a 404.
   */
  readonly registry?: Registry<RegistryContentType>;
  /**
   * A SERVER span per request to `/sum` and `/concat` with the global OpenTelemetry tracer
   * (`@kit/tracing`'s `httpServerTrace`), continuing the caller's W3C trace context. Default `false`.
   */
  readonly tracing?: boolean;
}

/**
 * The addsvc HTTP server, Go kit's `addtransport.NewHTTPHandler`: one Node `(req, res)`
 * handler that serves the exact paths `/sum` and `/concat` with any method, as Go kit's
 * `http.ServeMux` does, `/metrics` (the Prometheus exposition of `options.registry`, if given,
 * `GET` or `HEAD`), and answers anything else 404 with a JSON error body.
 *
 * - **Requests** are read as JSON whatever their `content-type` (a Go kit client sends none,
 *   `curl -d` sends a form type), with Go's rules: `{"A":1,"B":2}` and `{"a":1,"b":2}` both work.
 *   Malformed JSON or a wrong type is 400 `invalid_argument` naming the problem (Go kit: 500).
 * - **Success** is 200 `{"v": …}`, `content-type: application/json; charset=utf-8`.
 * - **Errors** get the status of their code: 400 for Go kit's three business errors
 *   (`invalid_argument` "can't sum two zeroes", `out_of_range` "integer overflow" and
 *   "result exceeds maximum size"), as Go kit's `err2code` answers, and the Kit table for the
 *   rest (500 for a bug, 413 for a body over 1 MiB). The body,
 *   `{"error": msg, "code": code, "message": msg}`, is read by Go kit's `errorDecoder` and by a
 *   Kit client alike. Every error is logged through `logErrorHandler(logger)`.
 *
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - the logger for transport errors, the registry for `/metrics`, tracing
 *
 * @example
 * ```ts
 * const metrics = prometheus({ prefix: "addsvc_" });
 * const endpoints = newEndpointSet(newBasicService(), { logger, metrics });
 * http.createServer(httpHandler(endpoints, { logger, registry: metrics.registry })).listen(8081, "127.0.0.1");
 * // curl -d '{"a":2,"b":3}' http://127.0.0.1:8081/sum  →  {"v":5}
 * // curl http://127.0.0.1:8081/metrics  →  addsvc_requests_total{endpoint="sum",code="ok"} 1 …
 * ```
 */
export function httpHandler(
  endpoints: EndpointSet,
  options: HttpHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const metrics = options.registry === undefined ? undefined : metricsHandler(options.registry);
  return generatedHttpHandler(generatedEndpoints(endpoints), {
    errorHandler: logErrorHandler(options.logger),
    ...(options.tracing === true ? { routeOptions: (_method, route) => httpServerTrace({ route }) } : {}),
    notFound: (req, res, path) => {
      if (path === "/metrics" && metrics !== undefined) {
        metrics(req, res);
        return;
      }
      const shown = path.length > 100 ? `${path.slice(0, 100)}…` : path;
      encodeErrorBody(background(), new KitError(Code.NotFound, `404 page not found: ${shown} (try /sum or /concat)`), res);
    },
  });
}

/**
 * An {@link AddClient} that calls an addsvc HTTP server, Go kit's `addtransport.NewHTTPClient`:
 * `POST {baseUrl}/sum` and `POST {baseUrl}/concat` with a JSON body, through kitgen's
 * `httpTransport` on `@kit/transport-http`'s `client`, so the context's deadline travels as `kit-timeout` and the
 * call is aborted with the context.
 *
 * A result comes back as the plain value. An error comes back as a `KitError`:
 * - from a Kit addsvc server, with the code and message of its body (`sum(0, 0)` →
 *   `invalid_argument` "can't sum two zeroes");
 * - from a Go kit addsvc server, whose body is only `{"error": msg}`, with the message and the
 *   code this port gives Go kit's three errors, or else the code of the status;
 * - a success body that is not `{"v": …}` of the right type is `internal`; a server that
 *   cannot be reached is `unavailable`.
 *
 * @param baseUrl - the server, such as `"http://127.0.0.1:8081"`; `"127.0.0.1:8081"` gets `http://`
 *   as in Go kit's client, and a path (`http://gw/addsvc`) is kept as a prefix
 * @param options - `@kit/transport-http` client options (hooks, `fetch`), applied to both methods;
 *   an `errorDecoder` there replaces the generated one that reads Go kit's error body
 *
 * @example
 * ```ts
 * const svc = httpClient("http://127.0.0.1:8081");
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try {
 *   await svc.sum(ctx, 2, 3); // 5
 *   await svc.concat(ctx, "kit", "go"); // "kitgo"
 *   await svc.sum(ctx, 0, 0); // throws KitError invalid_argument "can't sum two zeroes"
 * } finally {
 *   cancel();
 * }
 * ```
 */
export function httpClient(baseUrl: string | URL, options: ClientOptions = {}): AddClient {
  const base = typeof baseUrl === "string" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(baseUrl) ? `http://${baseUrl}` : baseUrl;
  return addClient(httpTransport(base, { errorCode: codeOfMessage, ...options }));
}
