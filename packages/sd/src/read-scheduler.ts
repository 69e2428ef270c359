/** What a {@link readScheduler} runs, and what it does when that fails. */
export interface ReadSchedulerOptions {
  /** Reads the registry and updates the instances (with an `InstanceCache`'s `update`). */
  readonly read: () => Promise<void>;
  /** Gets what a read threw, before it is tried again; not called after `stop()`. */
  readonly onError: (error: unknown) => void;
  /** Milliseconds to wait before reading again after a read failed. */
  readonly retryDelay: number;
}

/** Runs the reads of a registry watch: see {@link readScheduler}. */
export interface ReadScheduler {
  /**
   * Reads now, or, while a read is running, once more after it (however often it is asked
   * meanwhile). Does nothing after {@link ReadScheduler.stop}.
   */
  request(): void;
  /** No more reads: cancels a retry that is waiting; a read in progress is not read again. */
  stop(): void;
}

/**
 * Schedules the reads of a registry package's instancer (Go kit's `sd/etcdv3`, `sd/zk`): each
 * change the watch reports asks for a read of the whole set, reads run one at a time, and a
 * change during a read makes one more read after it, so the last event always reflects the
 * last change. A read that throws goes to `onError` and is tried again after `retryDelay` ms,
 * even if no change comes to ask for it.
 *
 * @param options - the read, the error callback and the delay before a retry
 *
 * @example
 * ```ts
 * const cache = instanceCache(() => { reads.stop(); watcher.close(); });
 * const reads = readScheduler({
 *   read: async () => { cache.update({ instances: await registry.list(prefix) }); },
 *   onError: (error) => { cache.update({ error: error as Error }); },
 *   retryDelay: 1_000,
 * });
 * watcher.on("change", () => { reads.request(); });
 * reads.request();
 * return cache;
 * ```
 */
export function readScheduler(options: ReadSchedulerOptions): ReadScheduler {
  const { read, onError, retryDelay } = options;
  if (typeof read !== "function") throw new TypeError("readScheduler: read must be a function");
  if (typeof onError !== "function") throw new TypeError("readScheduler: onError must be a function");
  if (!(retryDelay >= 0 && Number.isFinite(retryDelay))) throw new RangeError(`readScheduler: retryDelay must be a number of milliseconds >= 0, got ${String(retryDelay)}`);

  let stopped = false;
  let reading = false;
  let again = false;
  let retryTimer: NodeJS.Timeout | undefined;
  // Functions, not expressions: `again` and `stopped` change across awaits.
  const running = (): boolean => !stopped;
  const readAgain = (): boolean => again && running();

  const readOnce = async (): Promise<void> => {
    try {
      await read();
    } catch (error) {
      if (!running()) return;
      onError(error);
      retryTimer ??= setTimeout(() => {
        retryTimer = undefined;
        request();
      }, retryDelay);
    }
  };
  const readUntilCurrent = async (): Promise<void> => {
    reading = true;
    try {
      do {
        again = false;
        await readOnce();
      } while (readAgain());
    } finally {
      reading = false;
    }
  };
  const request = (): void => {
    if (stopped) return;
    if (reading) again = true;
    else void readUntilCurrent();
  };

  return {
    request,
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
    },
  };
}
