/** One watcher in a signal's ring; the ring's sentinel has no callback. */
interface Watcher {
  prev: Watcher | undefined;
  next: Watcher | undefined;
  readonly onAbort: (() => void) | undefined;
}

/** A watched signal's ring of watchers (its sentinel) and the one `abort` listener behind it. */
interface Ring {
  readonly sentinel: Watcher;
  readonly listener: () => void;
}

/** Each signal being watched now: its ring, gone once its last watcher stops or it aborts. */
const rings = new WeakMap<AbortSignal, Ring>();

function unlink(watcher: Watcher): void {
  const { prev, next } = watcher;
  if (prev === undefined || next === undefined) return;
  prev.next = next;
  next.prev = prev;
  watcher.prev = undefined;
  watcher.next = undefined;
}

function ringOf(signal: AbortSignal): Ring {
  const found = rings.get(signal);
  if (found !== undefined) return found;
  const sentinel: Watcher = { prev: undefined, next: undefined, onAbort: undefined };
  sentinel.prev = sentinel;
  sentinel.next = sentinel;
  const listener = (): void => {
    rings.delete(signal);
    const callbacks: (() => void)[] = [];
    for (let watcher = sentinel.next; watcher !== undefined && watcher !== sentinel; watcher = sentinel.next) {
      if (watcher.onAbort !== undefined) callbacks.push(watcher.onAbort);
      unlink(watcher);
    }
    for (const callback of callbacks) callback();
  };
  const ring: Ring = { sentinel, listener };
  rings.set(signal, ring);
  signal.addEventListener("abort", listener, { once: true });
  return ring;
}

/** Stops watching: takes `watcher` out of its ring, and the ring's listener off `signal` when it was the last. */
function unwatch(signal: AbortSignal, ring: Ring, watcher: Watcher): void {
  if (watcher.prev === undefined) return; // stopped already, or the signal aborted
  unlink(watcher);
  const { sentinel } = ring;
  if (sentinel.next !== sentinel || rings.get(signal) !== ring) return;
  rings.delete(signal);
  signal.removeEventListener("abort", ring.listener);
}

/**
 * Calls `onAbort` once when `signal` aborts, unless the returned function is called first.
 *
 * Every watcher of one signal shares a single `abort` listener and sits in a doubly linked
 * ring of its own, so watching and unwatching cost the same however many calls wait on one
 * context at once (a hundred sends on `background()` are the usual case). An `AbortSignal`'s
 * own listener list is searched from end to end on every add and remove, and a `Set` of
 * callbacks on a long-lived signal reallocates its table as calls come and go, which the
 * garbage collector then has to promote; a ring does neither. The listener comes off the
 * signal when its last watcher stops, so a caller's long-lived context keeps no listener of
 * ours between calls; a signal that is already aborted is the caller's to check.
 *
 * @param signal - usually a call's `ctx.signal`
 * @param onAbort - runs when the signal aborts; it reads `signal.reason` itself
 * @returns stops watching
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  const ring = ringOf(signal);
  const { sentinel } = ring;
  const last = sentinel.prev ?? sentinel;
  const watcher: Watcher = { prev: last, next: sentinel, onAbort };
  last.next = watcher;
  sentinel.prev = watcher;
  return () => {
    unwatch(signal, ring, watcher);
  };
}
