import { background } from "./context.ts";

const never = background().signal;

/**
 * Runs `work` but settles as soon as `signal` aborts, rejecting with the signal's reason
 * (a `KitError` for a Kit context: `canceled` or `deadline_exceeded`). What `work` does after
 * that is ignored, and its rejection is handled, so it is never reported as unhandled.
 * Transports use it to answer on time even when an endpoint ignores its context. With the
 * background context's signal, which never aborts, it returns `work()` as it is: no listener,
 * no race.
 *
 * @param signal - usually `ctx.signal`
 * @param work - the work to wait for
 *
 * @example
 * ```ts
 * const response = await untilAborted(ctx.signal, () => endpoint(ctx, request));
 * ```
 */
export function untilAborted<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  if (signal === never) return work();
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const running = work();
  running.catch(() => undefined);
  return Promise.race([running, aborted]).finally(() => {
    signal.removeEventListener("abort", onAbort);
  });
}
