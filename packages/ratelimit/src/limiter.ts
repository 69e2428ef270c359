import type { Context } from "@kit/endpoint";

/**
 * Decides at once whether one more request may go ahead, Go kit's `ratelimit.Allower`.
 * In-process limiters answer synchronously; shared ones (such as the Redis limiter in
 * `@kit/ratelimit/redis`) answer with a promise. Throwing means "could not decide": the
 * {@link erroringLimiter} then fails the request with `unavailable`.
 *
 * @example
 * ```ts
 * const everyOther: Allower = { allow: (() => { let n = 0; return () => n++ % 2 === 0; })() };
 * ```
 */
export interface Allower {
  /** Takes one token if there is one: `true` to let the request through, `false` to refuse it. */
  allow(): boolean | Promise<boolean>;
}

/**
 * Waits until one more request may go ahead, Go kit's `ratelimit.Waiter`.
 *
 * @example
 * ```ts
 * const bucket: Waiter = tokenBucket({ rate: 10, burst: 1 });
 * await bucket.wait(ctx); // resolves when a token is ours
 * ```
 */
export interface Waiter {
  /**
   * Resolves once a token is taken. Rejects with a `KitError`: `deadline_exceeded` (at once)
   * when the token would come after `ctx.deadline`, or the context's reason (`canceled`,
   * `deadline_exceeded`) when it ends while waiting.
   */
  wait(ctx: Context): Promise<void>;
}
