/** The longest delay `setTimeout` takes (about 24.8 days); a longer one fires at once. */
const longestTimer = 2_147_483_647;

/**
 * One timer for many deadlines, set for the soonest of them (unref'd: a deadline never keeps
 * the process alive). When it fires, `due(now)` hands on what has expired and returns the next
 * deadline to wake for (`Infinity` for none). What keeps the deadlines is the caller's.
 */
export class SoonestTimer {
  readonly #due: (now: number) => number;
  /** When the timer fires; `Infinity` while it is not set. */
  #at = Number.POSITIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  /** @param due - called when the timer fires: expires what is due, returns the next deadline */
  constructor(due: (now: number) => number) {
    this.#due = due;
  }

  /** Makes sure the timer fires by `at` (epoch ms); a sooner one already set stays. */
  wake(at: number): void {
    if (at >= this.#at) return;
    clearTimeout(this.#timer);
    this.#at = at;
    this.#timer = setTimeout(this.#fire, Math.min(longestTimer, Math.max(0, at - Date.now())));
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
    const next = this.#due(Date.now());
    if (next !== Number.POSITIVE_INFINITY) this.wake(next);
  };
}
