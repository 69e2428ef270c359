import { Code, type Endpoint, isRetryable, KitError, toKitError, withTimeout } from "@kit/endpoint";
import type { Balancer } from "./balancer.ts";

/** Options for {@link retry}. */
export interface RetryOptions {
  /**
   * Whether to try another endpoint after `error`, the failure of attempt number `attempt`
   * (from 1). Asked only while attempts and time remain. Default: `isRetryable(error.code)`,
   * so `unavailable`, `deadline_exceeded`, `resource_exhausted` and `aborted` are retried
   * and every other code fails at once. `() => true` retries any error, as Go kit's `lb.Retry`.
   */
  readonly shouldRetry?: (error: KitError, attempt: number) => boolean;
}

/** One failed attempt, as kept in the final error's `details.attempts`. */
export interface RetryAttempt {
  /** The attempt's error code. */
  readonly code: KitError["code"];
  /** The attempt's error message. */
  readonly message: string;
}

/**
 * An endpoint that calls `balancer.endpoint()` and retries on another endpoint when it
 * fails, Go kit's `lb.Retry`/`lb.RetryWithCallback`: at most `max` attempts, all within
 * `timeout` milliseconds and never past the deadline of the caller's `ctx`. Each attempt
 * gets that shortened `ctx`, and an attempt still running when the time is up is abandoned
 * (its `ctx` is canceled) and fails with `deadline_exceeded`. A balancer with no endpoint
 * counts as a failed `unavailable` attempt.
 *
 * Each attempt asks the balancer for an endpoint other than the ones this call has tried
 * (`balancer.endpoint(tried)`), so a retry goes to another instance while there is one, even
 * when many calls share a round robin; once every one has been tried, they are tried again.
 * Unlike Go kit, only retryable codes are retried by default (see `shouldRetry`): a business
 * error such as `invalid_argument` would fail the same way on every instance.
 *
 * The final error is a `KitError` with the last attempt's code, a message listing
 * every attempt, `details.attempts` (`{ code, message }` per attempt, in order) and, as
 * `cause`, an `AggregateError` of every attempt's `KitError`.
 *
 * @param max - the most attempts, at least 1
 * @param timeout - the time for all attempts together, in milliseconds
 * @param balancer - picks the endpoint of each attempt
 * @param options - which errors to retry
 *
 * @example
 * ```ts
 * const sum = retry(3, 2_000, roundRobin(endpointer(instancer, factory)));
 * const res = await sum(ctx, { a: 1, b: 2 }); // up to 3 instances, 2 s in all
 * ```
 */
export function retry<Req, Res>(
  max: number,
  timeout: number,
  balancer: Balancer<Req, Res>,
  options: RetryOptions = {},
): Endpoint<Req, Res> {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be an integer >= 1, got ${String(max)}`);
  if (!(timeout > 0)) throw new RangeError(`timeout must be a number of milliseconds > 0, got ${String(timeout)}`);
  const shouldRetry = options.shouldRetry ?? ((error: KitError) => isRetryable(error.code));

  return async (parent, request) => {
    const [ctx, cancel] = withTimeout(parent, timeout);
    const errors: KitError[] = [];
    const tried = new Set<Endpoint<Req, Res>>();
    let stop: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      const onAbort = (): void => {
        reject(toKitError(ctx.signal.reason, Code.DeadlineExceeded));
      };
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener("abort", onAbort, { once: true });
      stop = () => {
        ctx.signal.removeEventListener("abort", onAbort);
      };
    });
    stopped.catch(() => undefined);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          if (ctx.signal.aborted) throw toKitError(ctx.signal.reason, Code.DeadlineExceeded);
          const endpoint = balancer.endpoint(tried);
          tried.add(endpoint);
          return await Promise.race([endpoint(ctx, request), stopped]);
        } catch (thrown) {
          // After the time is up, report why the attempt stopped, whatever it threw.
          const error = ctx.signal.aborted ? toKitError(ctx.signal.reason, Code.DeadlineExceeded) : toKitError(thrown);
          errors.push(error);
          if (ctx.signal.aborted || attempt >= max || !shouldRetry(error, attempt)) throw failed(errors, error);
        }
      }
    } finally {
      stop?.();
      cancel();
    }
  };
}

function failed(errors: readonly KitError[], last: KitError): KitError {
  const list = errors.map((e, i) => `#${String(i + 1)} ${e.code}: ${e.message}`).join("; ");
  const attempts: RetryAttempt[] = errors.map((e) => ({ code: e.code, message: e.message }));
  return new KitError(
    last.code,
    `retry: ${String(errors.length)} attempt${errors.length === 1 ? "" : "s"} failed: ${list}`,
    { details: { attempts }, cause: new AggregateError(errors, "retry attempts") },
  );
}

