// The API gateway, Go kit's examples/apigateway: addsvc instances found in etcd, a client
// endpoint per instance behind its own circuit breaker, spread and retried across instances,
// behind a JWT check and a per-caller rate limit, served over HTTP at /addsvc/sum and
// /addsvc/concat.
import type { IncomingMessage, ServerResponse } from "node:http";
import { withAuthorization } from "@kit/auth";
import { claimsKey, jwtParser, type JwtKey } from "@kit/auth/jwt";
import { onlyRetryable } from "@kit/circuitbreaker";
import { opossumBreaker, type OpossumBreakerOptions } from "@kit/circuitbreaker/opossum";
import { chain, Code, type Context, type Endpoint, isKitError, isRetryable, KitError, toKitError } from "@kit/endpoint";
import { endpointer, type Endpointer, type Factory, type Instancer, retry, roundRobin } from "@kit/sd";
import { etcdInstancer } from "@kit/sd-etcd";
import { jsonCodec, logErrorHandler } from "@kit/transport";
import { encodeJSON, readBody, router, server, type DecodeRequest, type ServerOptions } from "@kit/transport-http";
import { addClient } from "addsvc/src/generated/add.endpoints.ts";
import { httpTransport } from "addsvc/src/generated/add.http.ts";
import { codeOfMessage, type AddService } from "addsvc/src/service.ts";
import type { Namespace } from "etcd3";
import { callerLimit } from "./caller-limit.ts";

/** Something that logs alternating keys and values, such as a `@kit/log` logger. */
export interface Logger {
  /** Writes one record. */
  log(...keyvals: unknown[]): void;
}

/** How {@link gateway} checks callers' tokens (`@kit/auth/jwt`'s `jwtParser`). */
export interface GatewayJwtOptions {
  /** The verification key: an HMAC secret for HS256, a public key for ES256/RS256. */
  readonly key: JwtKey;
  /** The accepted algorithms, such as `["HS256"]`. */
  readonly algorithms: readonly string[];
  /** The accepted `iss`. */
  readonly issuer: string;
  /** The accepted `aud`. */
  readonly audience: string;
}

/** What {@link gateway} needs. */
export interface GatewayOptions {
  /** The etcd client (or namespace) to discover addsvc instances with; not closed by the gateway. */
  readonly etcd: Namespace;
  /** The key prefix addsvc instances register under, such as `/services/addsvc/`; values are their base URLs. */
  readonly prefix: string;
  /** The token check. */
  readonly jwt: GatewayJwtOptions;
  /** Requests per second (`rate`) and at once (`burst`) per caller, by JWT subject; default 100 and 200. */
  readonly rateLimit?: { readonly rate: number; readonly burst: number };
  /** Attempts per call (`max`, default 3) and ms for all of them (`timeout`, default 2000). */
  readonly retry?: { readonly max: number; readonly timeout: number };
  /**
   * opossum options for the breaker of each instance and method; default: judge after 5
   * calls in a 10 s window, open at 50 % retryable failures, try again after 10 s.
   */
  readonly breaker?: OpossumBreakerOptions;
  /** Gets instance changes, breaker changes and every error the gateway answers. */
  readonly logger: Logger;
}

/** A running gateway, as {@link gateway} returns it. */
export interface Gateway {
  /** The Node request handler: `POST /addsvc/sum`, `POST /addsvc/concat`; another method 405, another path 404. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The addsvc instances etcd reports now, as base URLs, sorted. */
  instances(): readonly string[];
  /** The endpointers behind the two routes: one cached endpoint per instance. */
  readonly endpointers: { readonly sum: Endpointer<SumRequest, SumResponse>; readonly concat: Endpointer<ConcatRequest, ConcatResponse> };
  /** Stops watching etcd and closes every instance's endpoint and breaker. */
  close(): Promise<void>;
}

/** The body of `POST /addsvc/sum`. */
export interface SumRequest { readonly a: number; readonly b: number }
/** The answer of `POST /addsvc/sum`. */
export interface SumResponse { readonly v: number }
/** The body of `POST /addsvc/concat`. */
export interface ConcatRequest { readonly a: string; readonly b: string }
/** The answer of `POST /addsvc/concat`. */
export interface ConcatResponse { readonly v: string }

/**
 * Builds the gateway: watches `prefix` in etcd, and for each route an endpointer whose factory
 * makes, per instance, addsvc's HTTP client behind an opossum circuit breaker; calls are
 * spread over the instances and retried on another (`@kit/sd`'s `retry` over one shared
 * `roundRobin` per method, which never retries on an instance the call already tried); before that, the
 * caller's JWT is verified (401 `unauthenticated` otherwise) and their rate limit applied
 * (429 `resource_exhausted`).
 *
 * @param options - etcd, prefix, JWT, limits, logger
 *
 * @example
 * ```ts
 * const gw = gateway({ etcd: new Etcd3(), prefix: "/services/addsvc/", jwt: { key: secret, algorithms: ["HS256"], issuer: "apigateway", audience: "addsvc" }, logger });
 * http.createServer(gw.handler).listen(8000, "127.0.0.1");
 * ```
 */
export function gateway(options: GatewayOptions): Gateway {
  const { logger, prefix } = options;
  const breakerOptions: OpossumBreakerOptions = {
    volumeThreshold: 5,
    errorThresholdPercentage: 50,
    resetTimeout: 10_000,
    countsAsFailure: onlyRetryable,
    ...options.breaker,
  };
  const instancer: Instancer = etcdInstancer(options.etcd, prefix);
  const watched = watchInstances(instancer, prefix, logger);
  const onError = (error: unknown, instance?: string): void => {
    logger.log("msg", "endpointer", "instance", instance ?? "", "err", error);
  };
  const sumFactory = instanceFactory<SumRequest, SumResponse>("sum", async (svc, ctx, req) => ({ v: await svc.sum(ctx, req.a, req.b) }), breakerOptions, logger);
  const concatFactory = instanceFactory<ConcatRequest, ConcatResponse>("concat", async (svc, ctx, req) => ({ v: await svc.concat(ctx, req.a, req.b) }), breakerOptions, logger);
  const sumEndpointer = endpointer(instancer, sumFactory, { onError });
  const concatEndpointer = endpointer(instancer, concatFactory, { onError });

  const serverOptions: ServerOptions = { before: [withAuthorization], errorHandler: logErrorHandler(logger) };
  const handler = router({
    "POST /addsvc/sum": server(edge(options, backend(options, sumEndpointer)), decodePair("number"), encodeJSON, serverOptions),
    "POST /addsvc/concat": server(edge(options, backend(options, concatEndpointer)), decodePair("string"), encodeJSON, serverOptions),
  });

  let closing: Promise<void> | undefined;
  return {
    handler,
    instances: watched.current,
    endpointers: { sum: sumEndpointer, concat: concatEndpointer },
    close() {
      closing ??= (async () => {
        watched.unsubscribe();
        await Promise.all([sumEndpointer.close(), concatEndpointer.close()]);
        instancer.stop();
      })();
      return closing;
    },
  };
}

/** Logs every change of the instances `instancer` reports, and keeps the latest, sorted. */
function watchInstances(instancer: Instancer, prefix: string, logger: Logger): { current: () => readonly string[]; unsubscribe: () => void } {
  let current: readonly string[] = [];
  const unsubscribe = instancer.subscribe((event) => {
    if ("error" in event) {
      logger.log("msg", "etcd error", "prefix", prefix, "err", event.error);
      return;
    }
    current = [...event.instances].sort();
    logger.log("msg", "instances", "prefix", prefix, "count", current.length, "instances", current.join(","));
  });
  return { current: () => current, unsubscribe };
}

/**
 * One method's factory, as in Go kit's apigateway: for each instance, addsvc's HTTP client (as
 * kitgen writes it) calling `call`, inside that instance's own breaker, so a failing instance is
 * cut off alone. An instance without a scheme is `http://`, as in Go kit's `NewHTTPClient`.
 */
function instanceFactory<Req, Res>(
  method: string,
  call: (svc: AddService, ctx: Context, req: Req) => Promise<Res>,
  breakerOptions: OpossumBreakerOptions,
  logger: Logger,
): Factory<Req, Res> {
  return (instance) => {
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(instance) ? instance : `http://${instance}`;
    const svc = addClient(httpTransport(url, { errorCode: codeOfMessage }));
    const cb = opossumBreaker<Req, Res>({ ...breakerOptions, name: `${method} ${instance}` });
    const report = (state: string) => () => {
      logger.log("msg", "breaker", "state", state, "method", method, "instance", instance);
    };
    cb.breaker.on("open", report("open"));
    cb.breaker.on("halfOpen", report("halfOpen"));
    cb.breaker.on("close", report("close"));
    return {
      endpoint: cb((ctx, req) => call(svc, ctx, req)),
      close: () => {
        cb.breaker.shutdown();
      },
    };
  };
}

/**
 * What callers see of the backends: calls spread over the instances and retried on another;
 * the service's own answer (a business error such as "can't sum two zeroes") as it is, and for
 * instances that could not answer, the code and the number of attempts, without the internal
 * addresses (those go to the log).
 */
function backend<Req, Res>(options: GatewayOptions, source: Endpointer<Req, Res>): Endpoint<Req, Res> {
  const { max = 3, timeout = 2_000 } = options.retry ?? {};
  const call = retry(max, timeout, roundRobin(source));
  return (ctx, request) =>
    call(ctx, request).catch((thrown: unknown) => {
      throw publicError(toKitError(thrown), options.logger);
    });
}

/** The gateway's edge in front of `endpoint`: the caller's JWT checked, then their rate limit. */
function edge<Req, Res>(options: GatewayOptions, endpoint: Endpoint<Req, Res>): Endpoint<Req, Res> {
  const { rate = 100, burst = 200 } = options.rateLimit ?? {};
  const { key, algorithms, issuer, audience } = options.jwt;
  return chain(
    jwtParser<Req, Res>({ keys: key, algorithms, issuer, audience }),
    callerLimit<Req, Res>({ rate, burst, caller: (ctx) => ctx.value(claimsKey)?.sub }),
  )(endpoint);
}

/** Turns retry's error into what a caller of the gateway is told; see `backend` above. */
function publicError(err: KitError, logger: Logger): KitError {
  const attempts: unknown[] = err.cause instanceof AggregateError ? err.cause.errors : [];
  const last = attempts.at(-1);
  if (isKitError(last) && !isRetryable(last.code)) return last;
  logger.log("msg", "no instance answered", "err", err);
  if (attempts.length === 0) return new KitError(err.code, `addsvc: ${err.code === Code.Unavailable ? "no instance available" : "no instance answered"}`, { cause: err });
  return new KitError(err.code, `addsvc: no instance answered (${String(attempts.length)} attempt${attempts.length === 1 ? "" : "s"}, last: ${err.code})`, { cause: err });
}

/**
 * Reads `{"a": …, "b": …}` with both of type `type` (integers for numbers), as JSON whatever
 * the content-type (as addsvc does, so `curl -d` works); anything else is 400 `invalid_argument`.
 */
function decodePair<T extends "number" | "string">(type: T): DecodeRequest<{ a: T extends "number" ? number : string; b: T extends "number" ? number : string }> {
  return async (_ctx, req) => {
    const body = jsonCodec.decode(await readBody(req));
    const ok = (v: unknown): boolean => typeof v === type && (type === "string" || Number.isSafeInteger(v));
    if (typeof body !== "object" || body === null || !ok((body as { a?: unknown }).a) || !ok((body as { b?: unknown }).b)) {
      throw new KitError(Code.InvalidArgument, `want a JSON body {"a": ${type === "number" ? "integer" : "string"}, "b": …}`);
    }
    return body as { a: T extends "number" ? number : string; b: T extends "number" ? number : string };
  };
}
