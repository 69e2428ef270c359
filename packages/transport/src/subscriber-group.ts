import type { Subscriber } from "./subscriber-options.ts";

/**
 * One {@link Subscriber} made of several: a service's subscribers, one per method, handed out
 * as one. Its `ready` resolves once every subscriber is ready and rejects with the first that
 * cannot start; a rejection nobody awaits never crashes the process, as with one subscriber.
 * Its `close()` closes them all at once and resolves when every one has closed; calling it
 * again (or `await using`) returns the same promise.
 *
 * @param subscribers - the subscribers to run as one; none gives a group that is ready at once
 *
 * @example
 * ```ts
 * const group = subscriberGroup([subscriber(nc, "add.sum", sum, decodeSum, encodeJSONMessage), subscriber(nc, "add.concat", concat, decodeConcat, encodeJSONMessage)]);
 * await group.ready; // both are receiving
 * await group.close(); // both have closed
 * ```
 */
export function subscriberGroup(subscribers: readonly Subscriber[]): Subscriber {
  const all = [...subscribers];
  const ready = Promise.all(all.map((s) => s.ready)).then(() => undefined);
  ready.catch(() => undefined); // observed, so an unawaited failure is not an unhandled rejection
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= Promise.all(all.map((s) => s.close())).then(() => undefined);
    return closing;
  };
  return { ready, close, [Symbol.asyncDispose]: close };
}
