import { withTimeout } from "./context.ts";
import type { Middleware } from "./middleware.ts";
import { untilAborted } from "./until-aborted.ts";

/**
 * Narrows the deadline of every call to at most `ms` milliseconds from its start (a deadline
 * the caller set earlier still wins: a child never outlives its parent). When the time is up
 * the call fails at once with `deadline_exceeded` and the endpoint's context is canceled, even
 * if the endpoint does not stop by itself; a caller that cancels gets `canceled` the same way.
 *
 * @param ms - the longest a call may take
 *
 * @example
 * ```ts
 * const guarded = chain(timeout<SumRequest, SumResponse>(500), logging)(sum);
 * ```
 */
export function timeout<Req, Res>(ms: number): Middleware<Req, Res> {
  if (!(ms >= 0)) throw new RangeError(`timeout must be a number of milliseconds, got ${ms}`);
  return (next) => async (ctx, request) => {
    const [narrowed, cancel] = withTimeout(ctx, ms);
    try {
      return await untilAborted(narrowed.signal, () => next(narrowed, request));
    } finally {
      cancel();
    }
  };
}
