/** One watcher in a signal's ring; the ring's sentinel has no callback. */
interface Watcher {
  prev: Watcher | undefined;
  next: Watcher | undefined;
  readonly onAbort: (() => void) | undefined;
}

/** Each watched signal's ring of watchers, behind the one listener this module puts on it. */
const rings = new WeakMap<AbortSignal, Watcher>();

function unlink(watcher: Watcher): void {
  const { prev, next } = watcher;
  if (prev === undefined || next === undefined) return;
  prev.next = next;
  next.prev = prev;
  watcher.prev = undefined;
  watcher.next = undefined;
}

function ringOf(signal: AbortSignal): Watcher {
  const found = rings.get(signal);
  if (found !== undefined) return found;
  const sentinel: Watcher = { prev: undefined, next: undefined, onAbort: undefined };
  sentinel.prev = sentinel;
  sentinel.next = sentinel;
  rings.set(signal, sentinel);
  signal.addEventListener(
    "abort",
    () => {
      rings.delete(signal);
      const callbacks: (() => void)[] = [];
      for (let watcher = sentinel.next; watcher !== undefined && watcher !== sentinel; watcher = sentinel.next) {
        if (watcher.onAbort !== undefined) callbacks.push(watcher.onAbort);
        unlink(watcher);
      }
      for (const callback of callbacks) callback();
    },
    { once: true },
  );
  return sentinel;
}

/**
 * Calls `onAbort` once when `signal` aborts, unless the returned function is called first.
 *
 * Every watcher of one signal shares a single `abort` listener and sits in a doubly linked
 * ring of its own, so watching and unwatching cost the same however many calls wait on one
 * context at once (a hundred sends on `background()` are the usual case). An `AbortSignal`'s
 * own listener list is searched from end to end on every add and remove, and a `Set` of
 * callbacks on a long-lived signal reallocates its table as calls come and go, which the
 * garbage collector then has to promote; a ring does neither. The listener stays on the signal
 * until it aborts or is collected; a signal that is already aborted is the caller's to check.
 *
 * @param signal - usually a call's `ctx.signal`
 * @param onAbort - runs when the signal aborts; it reads `signal.reason` itself
 * @returns stops watching
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  const sentinel = ringOf(signal);
  const last = sentinel.prev ?? sentinel;
  const watcher: Watcher = { prev: last, next: sentinel, onAbort };
  last.next = watcher;
  sentinel.prev = watcher;
  return () => {
    unlink(watcher);
  };
}
