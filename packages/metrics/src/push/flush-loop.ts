/** What a {@link FlushLoop} runs, and how often. */
export interface FlushLoopOptions {
  /**
   * Milliseconds between flushes, a finite number, 0 or more; 0 flushes only on
   * {@link FlushLoop.flush} and {@link FlushLoop.stop}.
   */
  readonly interval: number;
  /**
   * Writes what was recorded since the last flush. What it throws, or rejects with, goes to
   * `onError`.
   */
  readonly flush: () => void | Promise<void>;
  /** Gets the error of a failed flush: flushing never throws or rejects. */
  readonly onError: (err: Error) => void;
  /** Runs on {@link FlushLoop.stop}, after the last flush: closes the connection or socket. */
  readonly close?: () => void | Promise<void>;
}

/**
 * Flushes a push backend (Graphite, StatsD, InfluxDB) every `interval` ms, on demand and once
 * more on stop: what the backends that send their series on a timer share. Flushes run one
 * after another, never two at once, so `stop()` waits for one in progress; a failed flush goes
 * to `onError` and the next one runs as usual. The timer never keeps the process alive.
 *
 * @example
 * ```ts
 * const loop = new FlushLoop({ interval: 10_000, flush: () => sender.send(drainLines()), onError: console.error, close: () => sender.close() });
 * await loop.flush(); // now, after any flush in progress
 * await loop.stop(); // one last flush, then close()
 * ```
 */
export class FlushLoop {
  readonly #options: FlushLoopOptions;
  readonly #timer: NodeJS.Timeout | undefined;
  /** The flushes asked for so far, one after another. */
  #flushing: Promise<void> = Promise.resolve();
  #stopped = false;
  /** The one stop, once asked for. */
  #stopping: Promise<void> | undefined = undefined;

  /**
   * Starts the timer (none for an `interval` of 0).
   *
   * @param options - the interval, the flush, the error callback and what stop closes
   * @throws RangeError when `interval` is not a finite number, 0 or more
   * @throws TypeError when `flush`, `onError` or `close` is not a function
   */
  constructor(options: FlushLoopOptions) {
    const { interval, flush, onError, close } = options;
    if (!(interval >= 0) || !Number.isFinite(interval)) throw new RangeError(`FlushLoop: interval ${String(interval)} must be a finite number of ms, 0 or more`);
    if (typeof flush !== "function") throw new TypeError("FlushLoop: flush must be a function");
    if (typeof onError !== "function") throw new TypeError("FlushLoop: onError must be a function");
    if (close !== undefined && typeof close !== "function") throw new TypeError("FlushLoop: close must be a function");
    this.#options = { ...options };
    this.#timer =
      interval > 0
        ? setInterval(() => {
            void this.flush();
          }, interval).unref()
        : undefined;
  }

  /**
   * Flushes after the flushes before it; resolves when this one has finished or failed (the
   * error went to `onError`). Never rejects. After {@link FlushLoop.stop} it does nothing.
   */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushOnce());
    return this.#flushing;
  }

  /**
   * Stops the timer, flushes once more (after one in progress), then runs `close`. Later
   * flushes do nothing; a second `stop()` gives the first one's promise (`close` runs once).
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.flush();
    this.#stopped = true;
    await this.#options.close?.();
  }

  async #flushOnce(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#options.flush();
    } catch (err) {
      this.#options.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
