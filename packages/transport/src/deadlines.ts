import { SoonestTimer } from "./internal/soonest-timer.ts";

/** Something {@link Deadlines} watches: when it expires, in epoch milliseconds. */
export interface Expiring {
  /** The deadline, in epoch milliseconds. */
  readonly expires: number;
}

/**
 * Many deadlines on one timer, set for the soonest of them: what a transport's request/reply
 * client can use for its calls in flight. (The subscriber runtime watches the `kit-timeout` of
 * its messages the same way, but reads them off the slots its messages hold.)
 *
 * A timer per message or call (and an `AbortController` and a listener to go with it) costs
 * more than the rest of a transport's work on it, and nearly every one finishes long before its
 * deadline. Here an entry costs a place in a set; the one timer (unref'd: a deadline never
 * keeps the process alive) wakes at the soonest deadline, hands every entry whose time has come
 * to `expire`, and is set again for the next.
 *
 * @example
 * ```ts
 * const calls = new Deadlines<{ expires: number; fail: () => void }>((call) => call.fail());
 * const call = { expires: Date.now() + 5_000, fail: () => console.log("timed out") };
 * calls.add(call);
 * // … the reply came in time:
 * calls.delete(call);
 * ```
 */
export class Deadlines<T extends Expiring> {
  readonly #watched = new Set<T>();
  readonly #expire: (entry: T) => void;
  readonly #timer = new SoonestTimer((now) => this.#sweep(now));

  /** @param expire - called once for each entry whose deadline has passed, after it was removed */
  constructor(expire: (entry: T) => void) {
    this.#expire = expire;
  }

  /** Watches `entry` until it is deleted or expires. */
  add(entry: T): void {
    this.#watched.add(entry);
    this.#timer.wake(entry.expires);
  }

  /** Stops watching `entry` (it finished in time); deleting one not watched does nothing. */
  delete(entry: T): void {
    this.#watched.delete(entry);
  }

  /** Hands every entry whose time has come to `expire`; returns the soonest deadline left. */
  #sweep(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.#watched) {
      if (entry.expires <= now) {
        this.#watched.delete(entry);
        this.#expire(entry);
      } else if (entry.expires < next) {
        next = entry.expires;
      }
    }
    return next;
  }
}
