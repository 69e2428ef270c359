/** The callbacks waiting on each signal, behind the one listener this module puts on it. */
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `onAbort` once when `signal` aborts, unless the returned function is called first.
 *
 * Every watcher of one signal shares a single `abort` listener, so watching and unwatching
 * cost the same however many calls wait on one context at once (a hundred sends on
 * `background()` are the usual case); an `AbortSignal`'s own listener list is searched from
 * end to end on every add and remove. The listener stays on the signal until it aborts or is
 * collected; a signal that is already aborted is the caller's to check.
 *
 * @param signal - usually a call's `ctx.signal`
 * @param onAbort - runs when the signal aborts; it reads `signal.reason` itself
 * @returns stops watching
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let callbacks = watchers.get(signal);
  if (callbacks === undefined) {
    const waiting = new Set<() => void>();
    callbacks = waiting;
    watchers.set(signal, waiting);
    signal.addEventListener(
      "abort",
      () => {
        watchers.delete(signal);
        for (const callback of waiting) callback();
        waiting.clear();
      },
      { once: true },
    );
  }
  const own = callbacks;
  own.add(onAbort);
  return () => {
    own.delete(onAbort);
  };
}
