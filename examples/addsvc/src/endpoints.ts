import { chain, isKitError, type Context, type Endpoint, type KitError } from "@kit/endpoint";
import { with as withKeyvals } from "@kit/log";
import type { Provider } from "@kit/metrics";
import type { AddEndpoints, ConcatRequest, SumRequest } from "./generated/add.endpoints.ts";
import { instrumentingMiddleware, loggingMiddleware, type Logger } from "./middleware.ts";
import type { AddService } from "./service.ts";

/**
 * The parameters of Sum and of Concat, Go kit's `addendpoint.SumRequest` (`A, B int`) and
 * `ConcatRequest` (`A, B string`): the request objects kitgen writes from {@link AddService}.
 */
export type { ConcatRequest, SumRequest } from "./generated/add.endpoints.ts";

/**
 * The result of Sum, Go kit's `addendpoint.SumResponse`: `v` (JSON `"v"`) and the business
 * error, if any, in `err` (Go: `json:"-"`, never serialised; read it with {@link failed}).
 */
export interface SumResponse {
  /** The sum; `0` when `err` is set. */
  readonly v: number;
  /** The service's business error; absent on success. */
  readonly err?: KitError;
}

/**
 * The result of Concat, Go kit's `addendpoint.ConcatResponse`: `v` (JSON `"v"`) and the
 * business error, if any, in `err` (never serialised; read it with {@link failed}).
 */
export interface ConcatResponse {
  /** The concatenation; `""` when `err` is set. */
  readonly v: string;
  /** The service's business error; absent on success. */
  readonly err?: KitError;
}

/**
 * The business error a response carries, or `undefined`: Go kit's `endpoint.Failer`. A
 * transport's response encoder checks it first and answers with the error instead of the
 * response, as Go kit's `encodeHTTPGenericResponse` does.
 *
 * @param response - a {@link SumResponse} or {@link ConcatResponse}
 *
 * @example
 * ```ts
 * const encode = (ctx, response: SumResponse, res) => {
 *   const err = failed(response);
 *   if (err !== undefined) throw err; // the server's error encoder answers it
 *   encodeJSON(ctx, { v: response.v }, res);
 * };
 * ```
 */
export function failed(response: { readonly err?: KitError }): KitError | undefined {
  return response.err;
}

/**
 * The Sum endpoint over a service, Go kit's `MakeSumEndpoint`. A business error the service
 * throws (any {@link @kit/endpoint#KitError}) comes back inside the response, with `v: 0`, so
 * endpoint middleware (logging, circuit breakers) sees a successful call (the instrumenting
 * middleware still labels it with its code); anything else the
 * service throws (a bug) is thrown on.
 *
 * @param svc - the service
 *
 * @example
 * ```ts
 * const sum = makeSumEndpoint(newBasicService());
 * await sum(background(), { a: 0, b: 0 }); // { v: 0, err: KitError("can't sum two zeroes") }
 * ```
 */
export function makeSumEndpoint(svc: AddService): Endpoint<SumRequest, SumResponse> {
  return carryingErrors((ctx, { a, b }) => svc.sum(ctx, a, b), 0);
}

/**
 * The Concat endpoint over a service, Go kit's `MakeConcatEndpoint`; business errors come back
 * inside the response with `v: ""`, as in {@link makeSumEndpoint}.
 *
 * @param svc - the service
 */
export function makeConcatEndpoint(svc: AddService): Endpoint<ConcatRequest, ConcatResponse> {
  return carryingErrors((ctx, { a, b }) => svc.concat(ctx, a, b), "");
}

/** A response carrying a business error, as {@link SumResponse} and {@link ConcatResponse} do. */
interface Carrying<V> {
  readonly v: V;
  readonly err?: KitError;
}

/** An endpoint answering `{ v }` with what `call` gives, or `{ v: zero, err }` with the `KitError` it throws; another error is thrown on. */
function carryingErrors<Req, V>(call: (ctx: Context, request: Req) => Promise<V>, zero: V): Endpoint<Req, Carrying<V>> {
  return async (ctx, request) => {
    try {
      return { v: await call(ctx, request) };
    } catch (err) {
      if (isKitError(err)) return { v: zero, err };
      throw err;
    }
  };
}

/** All the endpoints of the add service, Go kit's `addendpoint.Set`. */
export interface EndpointSet {
  /** The Sum endpoint. */
  readonly sumEndpoint: Endpoint<SumRequest, SumResponse>;
  /** The Concat endpoint. */
  readonly concatEndpoint: Endpoint<ConcatRequest, ConcatResponse>;
}

/** What {@link newEndpointSet} wires into every endpoint. */
export interface EndpointSetOptions {
  /** Gets one line per call: `method`, `transport_error`, `took`. */
  readonly logger: Logger;
  /**
   * Where the instrumenting middleware declares and records its metrics (requests by outcome
   * code, a latency histogram, requests in flight), per endpoint `"sum"` and `"concat"`.
   */
  readonly metrics: Provider;
}

/**
 * The endpoints over a service with Go kit's endpoint middleware, Go kit's `addendpoint.New`:
 * each is wrapped, outermost first, in {@link instrumentingMiddleware} (`endpoint` `"sum"` or
 * `"concat"`) and {@link loggingMiddleware} (with `method` `"Sum"` or `"Concat"` first on every
 * line). Go kit's rate limiter, circuit breaker and tracing are not wired in yet.
 *
 * @param svc - the service
 * @param options - the logger and the metrics provider
 *
 * @example
 * ```ts
 * const metrics = memory(); // or prometheus({ prefix: "addsvc_" })
 * const { sumEndpoint, concatEndpoint } = newEndpointSet(newBasicService(), { logger, metrics });
 * await sumEndpoint(background(), { a: 1, b: 2 });
 * metrics.value("requests_total", { endpoint: "sum", code: "ok" }); // 1
 * ```
 */
export function newEndpointSet(svc: AddService, options: EndpointSetOptions): EndpointSet {
  return {
    sumEndpoint: withEndpointMiddleware(makeSumEndpoint(svc), options, "sum", "Sum"),
    concatEndpoint: withEndpointMiddleware(makeConcatEndpoint(svc), options, "concat", "Concat"),
  };
}

/**
 * `endpoint` in the instrumenting middleware (labelled `endpoint`) around the logging middleware,
 * whose logger writes `method` first on every line: `log.With(logger, "method", method)`, made
 * with `@kit/log`'s `with`, not a wrapper function, so a `caller` valuer still points at the
 * logging middleware.
 */
function withEndpointMiddleware<Req, V>(
  endpoint: Endpoint<Req, Carrying<V>>,
  { logger, metrics }: EndpointSetOptions,
  name: string,
  method: string,
): Endpoint<Req, Carrying<V>> {
  return chain(instrumentingMiddleware<Req, Carrying<V>>(metrics, name), loggingMiddleware(withKeyvals(logger, "method", method)))(endpoint);
}

/**
 * The add service as a client sees it, Go kit's `Set` used as a `Service`: the same methods
 * as {@link AddService}, made from two endpoints (`addClient(generatedEndpoints(set))`, or
 * kitgen's `addClient` over a transport's client endpoints).
 */
export type AddClient = AddService;

function valueOf<V>(response: Carrying<V>): V {
  const err = failed(response);
  if (err !== undefined) throw err;
  return response.v;
}

/**
 * The endpoint set as the transports kitgen writes (`src/generated/`) serve it: each endpoint
 * returns the value, or throws the business error the response carries (see {@link failed}),
 * which the transport answers with its code.
 *
 * @param endpoints - the endpoint set, typically from {@link newEndpointSet}
 */
export function generatedEndpoints(endpoints: EndpointSet): AddEndpoints {
  return {
    sum: async (ctx, request) => valueOf(await endpoints.sumEndpoint(ctx, request)),
    concat: async (ctx, request) => valueOf(await endpoints.concatEndpoint(ctx, request)),
  };
}
