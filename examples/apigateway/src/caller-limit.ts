// A rate limit per caller: one @kit/ratelimit token bucket for each caller (the JWT subject),
// behind an erroring limiter, so one noisy caller gets 429s and the others do not notice.
import { Code, type Context, KitError, type Middleware } from "@kit/endpoint";
import { erroringLimiter, tokenBucket } from "@kit/ratelimit";

/** Options for {@link callerLimit}. */
export interface CallerLimitOptions {
  /** Requests per second each caller may make, on average. */
  readonly rate: number;
  /** Requests a caller may make at once, after being idle. */
  readonly burst: number;
  /** Who is calling, such as the verified JWT subject; `undefined` is refused as `unauthenticated`. */
  readonly caller: (ctx: Context) => string | undefined;
  /** How many callers' buckets are kept; the least recently seen are dropped beyond it. Default 10 000. */
  readonly maxCallers?: number;
}

/**
 * Middleware: calls the endpoint only if the caller's token bucket has a token, otherwise
 * fails with `resource_exhausted` (HTTP 429), without calling it.
 *
 * @param options - rate and burst per caller, and how to tell callers apart
 *
 * @example
 * ```ts
 * const limited = callerLimit<SumReq, SumRes>({ rate: 50, burst: 100, caller: (ctx) => ctx.value(claimsKey)?.sub })(sum);
 * ```
 */
export function callerLimit<Req, Res>(options: CallerLimitOptions): Middleware<Req, Res> {
  const { rate, burst, caller, maxCallers = 10_000 } = options;
  const limiters = new Map<string, Middleware<Req, Res>>();
  const limiterFor = (name: string): Middleware<Req, Res> => {
    let limiter = limiters.get(name);
    if (limiter === undefined) {
      limiter = erroringLimiter<Req, Res>(tokenBucket({ rate, burst }));
      if (limiters.size >= maxCallers) limiters.delete(limiters.keys().next().value ?? "");
    } else {
      limiters.delete(name); // moved to the end: most recently seen
    }
    limiters.set(name, limiter);
    return limiter;
  };
  return (next) => (ctx, request) => {
    const name = caller(ctx);
    if (name === undefined) return Promise.reject(new KitError(Code.Unauthenticated, "no caller to rate-limit"));
    return limiterFor(name)(next)(ctx, request);
  };
}
