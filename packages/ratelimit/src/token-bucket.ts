import { Code, type Context, isKitError, KitError } from "@kit/endpoint";
import type { Allower, Waiter } from "./limiter.ts";

/** Options for {@link tokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second; must be greater than zero. */
  readonly rate: number;
  /** The bucket's size: how many requests may go at once after a quiet spell; an integer ≥ 1. */
  readonly burst: number;
}

/** An in-process token bucket: both an {@link Allower} and a {@link Waiter}. */
export interface TokenBucket extends Allower, Waiter {
  /** Takes a token if one is available now; never takes one promised to a waiter. */
  allow(): boolean;
  /**
   * Takes a token, waiting for it if need be. Waiters are served in the order they called.
   * Rejects at once with `deadline_exceeded` when the token would come at or after
   * `ctx.deadline` (no sleeping until the deadline only to fail), and with the context's reason
   * (`canceled`) when the context ends while waiting; the reserved token then goes back.
   */
  wait(ctx: Context): Promise<void>;
  /** Tokens available now (negative while waiters hold reservations), for metrics and tests. */
  tokens(): number;
}

// Tolerance for floating-point refill: 0.1 + 0.2 tokens must count as 0.3.
const epsilon = 1e-9;

/**
 * A token bucket holding up to `burst` tokens, refilled continuously at `rate` tokens per
 * second and full at the start, like Go's `golang.org/x/time/rate.Limiter` behind Go kit's
 * limiters. It reads time with `Date.now()` and waits with `setTimeout`, so
 * `vi.useFakeTimers()` drives it in tests.
 *
 * @example
 * ```ts
 * const bucket = tokenBucket({ rate: 100, burst: 20 }); // 100 requests/s, bursts of 20
 * const guarded = erroringLimiter<Req, Res>(bucket)(endpoint);
 * ```
 */
export function tokenBucket(options: TokenBucketOptions): TokenBucket {
  const { rate, burst } = options;
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`tokenBucket: rate must be a positive number, got ${String(rate)}`);
  if (!(Number.isInteger(burst) && burst >= 1)) throw new RangeError(`tokenBucket: burst must be an integer ≥ 1, got ${String(burst)}`);

  let tokens = burst;
  let last = Date.now();
  // When the most recent waiter gets its token; later waiters never go before it (FIFO).
  let tail = -Infinity;

  const advance = (): number => {
    const now = Date.now();
    if (now > last) {
      tokens = Math.min(burst, tokens + ((now - last) * rate) / 1000);
      last = now;
    }
    return now;
  };
  const giveBack = (): void => {
    advance();
    tokens = Math.min(burst, tokens + 1);
  };

  return {
    allow() {
      advance();
      if (tokens < 1 - epsilon) return false;
      tokens -= 1;
      return true;
    },

    wait(ctx) {
      if (ctx.signal.aborted) return Promise.reject(reasonOf(ctx));
      const now = advance();
      tokens -= 1;
      const deficit = -tokens;
      const ready = Math.max(deficit <= epsilon ? now : now + Math.ceil((deficit * 1000) / rate - 1e-6), tail);
      if (ready <= now) return Promise.resolve();
      if (ctx.deadline !== undefined && ready >= ctx.deadline) {
        tokens += 1;
        return Promise.reject(
          new KitError(Code.DeadlineExceeded, `ratelimit: a token in ${String(ready - now)} ms would come after the context deadline`),
        );
      }
      tail = ready;
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          clearTimeout(timer);
          giveBack();
          reject(reasonOf(ctx));
        };
        const timer = setTimeout(() => {
          ctx.signal.removeEventListener("abort", onAbort);
          resolve();
        }, ready - now);
        ctx.signal.addEventListener("abort", onAbort, { once: true });
      });
    },

    tokens() {
      advance();
      return tokens;
    },
  };
}

function reasonOf(ctx: Context): KitError {
  const reason: unknown = ctx.signal.reason;
  return isKitError(reason) ? reason : new KitError(Code.Canceled, "context canceled", { cause: reason });
}
