/**
 * Circuit breaker middleware backed by [opossum](https://nodeshift.dev/opossum/), Go kit's
 * `circuitbreaker.Hystrix` counterpart: {@link opossumBreaker} builds an opossum
 * `CircuitBreaker` and runs each call through its `fire`. Needs the optional peer `opossum`
 * (≥ 8); TypeScript users also need `@types/opossum`, since opossum ships no types.
 *
 * @packageDocumentation
 */
import { Code, type Context, type Endpoint, KitError, type Middleware, toKitError } from "@kit/endpoint";
import CircuitBreaker from "opossum";
import { type BreakerOptions, circuitOpen, everyError } from "./breaker.ts";

/**
 * Options for {@link opossumBreaker}: opossum's own options (`resetTimeout`,
 * `errorThresholdPercentage`, `volumeThreshold`, `rollingCountTimeout`, `capacity`, `name`…)
 * except `errorFilter`, which comes from `countsAsFailure`, plus {@link BreakerOptions}.
 * Unlike plain opossum, `timeout` defaults to `false`: a Kit call's time limit is its
 * context's deadline.
 */
export type OpossumBreakerOptions = Omit<CircuitBreaker.Options, "errorFilter"> & BreakerOptions;

/** What opossum's `fire` receives for one call: the next endpoint, the context and the request. */
export interface OpossumCall<Req, Res> {
  /** The wrapped endpoint. */
  readonly next: Endpoint<Req, Res>;
  /** The call's context, passed on unchanged. */
  readonly ctx: Context;
  /** The request, passed on unchanged. */
  readonly request: Req;
  /** Set when the endpoint itself threw, telling its errors from opossum's. */
  threw: boolean;
}

/**
 * The middleware {@link opossumBreaker} returns, with the opossum breaker behind it, for its
 * events (`open`, `halfOpen`, `close`…), `stats`, `fallback`, `shutdown` and so on.
 */
export type OpossumMiddleware<Req, Res> = Middleware<Req, Res> & {
  /** The opossum breaker; every endpoint this middleware wraps shares it. */
  readonly breaker: CircuitBreaker<[call: OpossumCall<Req, Res>], Res>;
};

/**
 * A middleware that runs the endpoint through an opossum circuit breaker, passing the
 * context and request through unchanged.
 *
 * - While the circuit is open, opossum's `EOPENBREAKER` rejection becomes
 *   `KitError(unavailable, "circuit open")` (see `circuitOpen`) and the endpoint is not called.
 *   Likewise `ESHUTDOWN` becomes `unavailable`, `ESEMLOCKED` (over `capacity`)
 *   `resource_exhausted`, and `ETIMEDOUT` (only with a `timeout`) `deadline_exceeded`.
 * - The endpoint's own errors reach the caller unchanged. Those for which
 *   `countsAsFailure` is false are given to opossum's `errorFilter`, so they count as a
 *   success, neither opening the circuit nor calling a fallback.
 *
 * One breaker guards every endpoint the middleware wraps, as in Go kit: make one per
 * endpoint. Call `breaker.shutdown()` when done, to stop opossum's timers.
 *
 * @example
 * ```ts
 * import { onlyRetryable } from "@kit/circuitbreaker";
 * import { opossumBreaker } from "@kit/circuitbreaker/opossum";
 *
 * const cb = opossumBreaker<Req, Res>({
 *   volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeout: 10_000,
 *   countsAsFailure: onlyRetryable,
 * });
 * const guarded = cb(endpoint);
 * cb.breaker.on("open", () => { log("circuit open"); });
 * ```
 */
export function opossumBreaker<Req, Res>(options: OpossumBreakerOptions = {}): OpossumMiddleware<Req, Res> {
  const { countsAsFailure = everyError, ...rest } = options;
  const breaker = new CircuitBreaker<[call: OpossumCall<Req, Res>], Res>(run, {
    timeout: false,
    ...rest,
    // opossum passes fire's arguments after the error; only the endpoint's own errors may be let off.
    errorFilter: (err: unknown, call?: OpossumCall<Req, Res>) =>
      call?.threw === true && !countsAsFailure(toKitError(err)),
  });
  const middleware: Middleware<Req, Res> = (next) => async (ctx, request) => {
    const call: OpossumCall<Req, Res> = { next, ctx, request, threw: false };
    try {
      return await breaker.fire(call);
    } catch (err) {
      throw call.threw ? err : fromOpossum(err);
    }
  };
  return Object.assign(middleware, { breaker });
}

async function run<Req, Res>(call: OpossumCall<Req, Res>): Promise<Res> {
  try {
    return await call.next(call.ctx, call.request);
  } catch (err) {
    call.threw = true;
    throw err;
  }
}

// Maps opossum's own rejections; anything else (a fallback's error) passes unchanged.
function fromOpossum(err: unknown): unknown {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  switch (code) {
    case "EOPENBREAKER":
      return circuitOpen(err);
    case "ESHUTDOWN":
      return new KitError(Code.Unavailable, "circuit shut down", { cause: err });
    case "ESEMLOCKED":
      return new KitError(Code.ResourceExhausted, "circuit at capacity", { cause: err });
    case "ETIMEDOUT":
      return new KitError(Code.DeadlineExceeded, (err as Error).message, { cause: err });
    default:
      return err;
  }
}
