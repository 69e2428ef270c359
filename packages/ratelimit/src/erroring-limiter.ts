import { Code, KitError, type Middleware, toKitError } from "@kit/endpoint";
import type { Allower } from "./limiter.ts";

/**
 * Middleware that refuses a request with `KitError` `resource_exhausted` when `limiter` has no
 * token for it, without calling the endpoint; Go kit's `ratelimit.NewErroringLimiter`. It
 * accepts synchronous limiters ({@link tokenBucket}) and asynchronous ones (`redisLimiter`).
 * When the limiter throws (its backend is down), the request fails with that `KitError`, or
 * `unavailable` if it threw something else: fail closed.
 *
 * @example
 * ```ts
 * const limited = erroringLimiter<SumReq, SumRes>(tokenBucket({ rate: 100, burst: 100 }))(sum);
 * await limited(ctx, { a: 1, b: 2 }); // throws KitError resource_exhausted past 100/s
 * ```
 */
export function erroringLimiter<Req, Res>(limiter: Allower): Middleware<Req, Res> {
  return (next) => async (ctx, request) => {
    let allowed: boolean;
    try {
      allowed = await limiter.allow();
    } catch (err) {
      throw toKitError(err, Code.Unavailable);
    }
    if (!allowed) throw new KitError(Code.ResourceExhausted, "rate limit exceeded");
    return next(ctx, request);
  };
}
