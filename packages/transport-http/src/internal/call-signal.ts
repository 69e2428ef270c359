import { background, Code, KitError, toKitError, type Context } from "@kit/endpoint";

/** The background context's signal, which never aborts: a call on it needs no listener. */
const never = background().signal;

/** The signal one client call hands to `fetch`, and how to let go of it when the call ends. */
export interface CallSignal {
  /** Aborts when the caller's context ends, or after the client's `timeout` when the context has no deadline. */
  readonly signal: AbortSignal;
  /** Removes the link to the caller's context and the timer: call it once the call is over. */
  readonly end: () => void;
}

/**
 * A signal of the call's own, linked to the caller's context for the call's lifetime only.
 * `fetch` keeps its abort listener on the signal it is given until the request is collected,
 * so handing it the caller's signal leaves one listener there per call; here it lands on the
 * call's signal instead, and the one listener on the caller's signal is removed by `end()`.
 * Without a deadline on `ctx`, the signal aborts with `deadline_exceeded` after `timeout` ms.
 */
export function callSignal(ctx: Context, timeout: number): CallSignal {
  const controller = new AbortController();
  const parent = ctx.signal;
  if (parent.aborted) {
    controller.abort(toKitError(parent.reason));
    return { signal: controller.signal, end: noop };
  }
  const onAbort = (): void => {
    controller.abort(toKitError(parent.reason));
  };
  if (parent !== never) parent.addEventListener("abort", onAbort, { once: true });
  const timer =
    ctx.deadline === undefined
      ? setTimeout(() => {
          controller.abort(new KitError(Code.DeadlineExceeded, `no answer within ${String(timeout)} ms (the client's timeout; the context has no deadline)`));
        }, timeout)
      : undefined;
  timer?.unref();
  return {
    signal: controller.signal,
    end: () => {
      clearTimeout(timer);
      if (parent !== never) parent.removeEventListener("abort", onAbort);
    },
  };
}

/** The longest `timeout` a timer can wait (about 24.8 days). */
const longest = 2_147_483_647;

/** Checks a client's `timeout` option: milliseconds above 0, at most about 24.8 days (a timer's limit). */
export function checkTimeout(timeout: number): number {
  if (typeof timeout !== "number" || !(timeout > 0) || timeout > longest) {
    throw new RangeError(`timeout must be milliseconds above 0, got ${String(timeout)}`);
  }
  return timeout;
}

function noop(): void {
  // nothing was linked
}
