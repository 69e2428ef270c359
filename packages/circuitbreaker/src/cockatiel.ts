/**
 * Circuit breaker middleware backed by a [cockatiel](https://github.com/connor4312/cockatiel)
 * `CircuitBreakerPolicy`, Go kit's `circuitbreaker.Gobreaker` counterpart. Needs the
 * optional peer `cockatiel` (^3 or ^4).
 *
 * @packageDocumentation
 */
import { type Middleware, toKitError } from "@kit/endpoint";
import { type BreakerOptions, circuitOpen, everyError } from "./breaker.ts";

/**
 * The part of a cockatiel policy the middleware uses: `execute(fn, signal)`. A
 * `CircuitBreakerPolicy` fits, and so does a `wrap(...)` of policies that contains one.
 */
export interface ExecutePolicy {
  /** Runs `fn` under the policy; `signal` is passed to `fn` as `{ signal }`. */
  execute<T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T>;
}

// Carries an error that must not count out of `execute` as a result, to be thrown again outside.
class Uncounted {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * A middleware that runs the endpoint through `policy.execute`, passing the context's
 * signal, and the context and request through unchanged.
 *
 * - While the circuit is open, cockatiel's `BrokenCircuitError` (and `IsolatedCircuitError`,
 *   after `policy.isolate()`) becomes `KitError(unavailable, "circuit open")` with the
 *   library's error as `cause` (see `circuitOpen`), and the endpoint is not called.
 * - The endpoint's own errors reach the caller unchanged. Those for which `countsAsFailure`
 *   is false are handed back to cockatiel as a result rather than thrown, so they count as
 *   a success (as with opossum's `errorFilter`), then thrown again. This works whatever the
 *   policy's `handleWhen`; building the policy with `handleWhen((e) => ...)` also works, but
 *   then an unhandled error in the half-open state is counted as a success by cockatiel too.
 *
 * The errors are recognised by their `isBrokenCircuitError` flag, so cockatiel 3 and 4 and any
 * copy of the package work; nothing is imported from cockatiel at run time.
 *
 * @example
 * ```ts
 * import { circuitBreaker, ConsecutiveBreaker, handleAll } from "cockatiel";
 * import { onlyRetryable } from "@kit/circuitbreaker";
 * import { cockatielBreaker } from "@kit/circuitbreaker/cockatiel";
 *
 * const policy = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
 * const guarded = cockatielBreaker<Req, Res>(policy, { countsAsFailure: onlyRetryable })(endpoint);
 * ```
 */
export function cockatielBreaker<Req, Res>(policy: ExecutePolicy, options: BreakerOptions = {}): Middleware<Req, Res> {
  const countsAsFailure = options.countsAsFailure ?? everyError;
  return (next) => async (ctx, request) => {
    let result: Res | Uncounted;
    try {
      result = await policy.execute(async () => {
        try {
          return await next(ctx, request);
        } catch (err) {
          if (countsAsFailure(toKitError(err))) throw err;
          return new Uncounted(err);
        }
      }, ctx.signal);
    } catch (err) {
      throw isBrokenCircuit(err) ? circuitOpen(err) : err;
    }
    if (result instanceof Uncounted) throw result.error;
    return result;
  };
}

function isBrokenCircuit(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { isBrokenCircuitError?: unknown }).isBrokenCircuitError === true;
}
