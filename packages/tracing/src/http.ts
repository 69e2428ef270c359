import type { Context, KitError } from "@kit/endpoint";
import { SpanKind, type Attributes } from "@opentelemetry/api";
import type { HeaderSetter, NodeHeaders } from "./carriers.ts";
import { otelContext } from "./context.ts";
import { headerSetter, nodeHeadersGetter } from "./internal/carriers.ts";
import { openSpan, propagatorOf, recordError, spanSlot, startSpan } from "./internal/span.ts";
import type { TraceHooks, TraceOptions } from "./options.ts";

/** Options for {@link httpServerTrace}. */
export interface HttpServerTraceOptions extends TraceOptions {
  /**
   * The route the server serves, such as `"/sum"` or `"/orders/:id"`: the span is named
   * `POST /sum` and gets `http.route`. Without it the span is named for the method alone, as
   * OpenTelemetry's HTTP conventions say (a raw path would make too many span names).
   */
  readonly route?: string;
}

/**
 * Trace hooks for an `@kit/transport-http` server, Go kit's `HTTPServerTrace`. `before` reads
 * the caller's trace context from the request headers (W3C `traceparent`/`tracestate` with the
 * SDK's default propagator) and starts a SERVER span under it (a new trace when there is
 * none, or it is malformed), with `http.request.method`, `url.path` and `http.route`;
 * the endpoint's spans are its children. `finalizer` ends it with `http.response.status_code`
 * and, for a failed request, `kit.error.code`; a 5xx marks it failed (a 4xx is the
 * caller's mistake, not the server's, as OpenTelemetry's HTTP conventions have it).
 *
 * A request refused before the `before` hooks run (a body over `maxBodyBytes`, a malformed
 * `kit-timeout`) gets no span.
 *
 * @param options - route, tracer, propagator, attributes
 *
 * @example
 * ```ts
 * const traced = traceEndpoint<SumRequest, SumResponse>("Sum")(sum);
 * http.createServer(server(traced, decode, encode, httpServerTrace({ route: "/sum" }))).listen(8080);
 * ```
 */
export function httpServerTrace(
  options: HttpServerTraceOptions = {},
): TraceHooks<
  (ctx: Context, req: { readonly method?: string | undefined; readonly url?: string | undefined; readonly headers: NodeHeaders }) => Context,
  (ctx: Context, outcome: { readonly status: number; readonly error: KitError | undefined }) => void
> {
  const { route } = options;
  const slot = spanSlot("http-server");
  const propagator = propagatorOf(options);
  return {
    before: [
      (ctx, req) => {
        const method = req.method ?? "GET";
        const attributes: Attributes = { "http.request.method": method, "url.path": pathOf(req.url) };
        if (route !== undefined) attributes["http.route"] = route;
        const parent = propagator.extract(otelContext(ctx), req.headers, nodeHeadersGetter);
        const name = route === undefined ? method : `${method} ${route}`;
        return startSpan(ctx, options, { slot, name, kind: SpanKind.SERVER, attributes, parent })[0];
      },
    ],
    finalizer: [
      (ctx, { status, error }) => {
        const span = openSpan(ctx, slot);
        if (span === undefined) return;
        span.setAttribute("http.response.status_code", status);
        recordError(span, error, status >= 500);
        span.end();
      },
    ],
  };
}

/**
 * Trace hooks for an `@kit/transport-http` client, Go kit's `HTTPClientTrace`. `before`
 * starts a CLIENT span under the caller's span (see {@link otelContext}), named for the
 * method, with `http.request.method`, `url.full` (without credentials or query),
 * `server.address` and `server.port`, and writes its trace context into the request headers
 * (`traceparent`/`tracestate`). `finalizer` ends it with `http.response.status_code`; a
 * failed call or a status of 400 or more marks it failed, with `kit.error.code`.
 *
 * @param options - tracer, propagator, attributes
 *
 * @example
 * ```ts
 * const sum = client("POST", "http://127.0.0.1:8081/sum", encodeJSONRequest, decodeJSONResponse(), httpClientTrace());
 * ```
 */
export function httpClientTrace(
  options: TraceOptions = {},
): TraceHooks<
  (ctx: Context, outgoing: { readonly method: string; readonly url: URL; readonly headers: HeaderSetter }) => Context,
  (ctx: Context, outcome: { readonly status: number | undefined; readonly error: KitError | undefined }) => void
> {
  const slot = spanSlot("http-client");
  const propagator = propagatorOf(options);
  return {
    before: [
      (ctx, { method, url, headers }) => {
        const attributes: Attributes = {
          "http.request.method": method,
          "url.full": `${url.origin}${url.pathname}`,
          "server.address": url.hostname,
          "server.port": url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port),
        };
        const [next, spanContext] = startSpan(ctx, options, { slot, name: method, kind: SpanKind.CLIENT, attributes, parent: otelContext(ctx) });
        propagator.inject(spanContext, headers, headerSetter);
        return next;
      },
    ],
    finalizer: [
      (ctx, { status, error }) => {
        const span = openSpan(ctx, slot);
        if (span === undefined) return;
        if (status !== undefined) span.setAttribute("http.response.status_code", status);
        recordError(span, error, error !== undefined || (status !== undefined && status >= 400));
        span.end();
      },
    ],
  };
}

/** The request target's path, without the query (which may hold secrets). */
function pathOf(target: string | undefined): string {
  if (target === undefined) return "/";
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}
