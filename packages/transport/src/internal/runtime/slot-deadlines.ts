import { SoonestTimer } from "../soonest-timer.ts";

/** A delivery as {@link SlotDeadlines} reads it: when its running attempt expires (epoch ms; 0: not watched). */
export interface Watched {
  expires: number;
}

/**
 * The deadlines of the running attempts, on one timer, read off the deliveries that hold the
 * pump's slots: every attempt with a deadline runs in a slot, so watching one is setting its
 * `expires` (and moving the timer sooner when it is the soonest), and no set of watched
 * entries allocates as messages come and go. The timer (unref'd: a deadline never keeps the
 * process alive) wakes at the soonest deadline, stops watching and hands on each delivery whose
 * time has come, and is set again for the next.
 */
export class SlotDeadlines<T extends Watched> {
  readonly #held: () => readonly T[];
  readonly #expire: (entry: T) => void;
  readonly #timer = new SoonestTimer((now) => this.#sweep(now));

  /**
   * @param held - the deliveries that hold a slot now
   * @param expire - called once for each delivery whose deadline has passed, after it is no longer watched
   */
  constructor(held: () => readonly T[], expire: (entry: T) => void) {
    this.#held = held;
    this.#expire = expire;
  }

  /** Watches `entry` (which holds a slot) until `at`, or until it is no longer watched. */
  watch(entry: T, at: number): void {
    entry.expires = at;
    this.#timer.wake(at);
  }

  /** Stops watching `entry`; one not watched is left as it is. */
  unwatch(entry: T): void {
    entry.expires = 0;
  }

  /** Hands every watched delivery whose time has come to `expire`; returns the soonest deadline left. */
  #sweep(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.#held()) {
      if (entry.expires === 0) continue;
      if (entry.expires <= now) {
        entry.expires = 0;
        this.#expire(entry);
      } else if (entry.expires < next) {
        next = entry.expires;
      }
    }
    return next;
  }
}
