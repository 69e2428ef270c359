/** Something {@link Deadlines} watches: when it expires, in epoch milliseconds. */
export interface Expiring {
  /** The deadline, in epoch milliseconds. */
  readonly expires: number;
}

/**
 * The deadlines of many running attempts on one timer, set for the soonest of them.
 *
 * A timer, an `AbortController` and a listener per message cost more than the rest of the
 * runtime's work on a message, and nearly every message that carries a deadline finishes long
 * before it. Here an attempt costs an entry in a set; the one timer (unref'd: a deadline never
 * keeps the process alive) wakes at the soonest deadline, hands every entry whose time has come
 * to `expire`, and is set again for the next.
 */
export class Deadlines<T extends Expiring> {
  readonly #watched = new Set<T>();
  readonly #expire: (entry: T) => void;
  #at = Number.POSITIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  /** @param expire - called once for each entry whose deadline has passed, after it was removed */
  constructor(expire: (entry: T) => void) {
    this.#expire = expire;
  }

  /** Watches `entry` until it is deleted or expires. */
  add(entry: T): void {
    this.#watched.add(entry);
    if (entry.expires < this.#at) this.#arm(entry.expires);
  }

  /** Stops watching `entry` (it finished in time); deleting one not watched does nothing. */
  delete(entry: T): void {
    this.#watched.delete(entry);
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#at = at;
    this.#timer = setTimeout(this.#sweep, Math.max(0, at - Date.now()));
    this.#timer.unref();
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.#watched) {
      if (entry.expires <= now) {
        this.#watched.delete(entry);
        this.#expire(entry);
      } else if (entry.expires < next) {
        next = entry.expires;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  };
}
