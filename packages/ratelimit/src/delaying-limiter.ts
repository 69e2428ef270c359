import type { Middleware } from "@kit/endpoint";
import type { Waiter } from "./limiter.ts";

/**
 * Middleware that waits for a token from `limiter` before calling the endpoint, Go kit's
 * `ratelimit.NewDelayingLimiter`. With a {@link tokenBucket} the request fails at once with
 * `deadline_exceeded` when the token would come after `ctx.deadline`, and with `canceled`
 * when the context is canceled while it waits; the endpoint is then not called.
 *
 * @example
 * ```ts
 * const smoothed = delayingLimiter<SumReq, SumRes>(tokenBucket({ rate: 10, burst: 1 }))(sum);
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try { await smoothed(ctx, { a: 1, b: 2 }); } finally { cancel(); }
 * ```
 */
export function delayingLimiter<Req, Res>(limiter: Waiter): Middleware<Req, Res> {
  return (next) => async (ctx, request) => {
    await limiter.wait(ctx);
    return next(ctx, request);
  };
}
