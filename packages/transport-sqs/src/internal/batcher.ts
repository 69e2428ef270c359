/** What a batch's flush returns for each item, in order: its result, or why it failed. */
export type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/** Collects single calls into batches of up to `max`, SQS's `*Batch` APIs. */
export interface Batcher<T, R> {
  /** Adds an item to the next batch; resolves with its own result. */
  add(item: T): Promise<R>;
}

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Makes a {@link Batcher}: items added within `wait` milliseconds of the first one (or until
 * `max` are waiting) go out in one `flush`, and each caller learns its own item's result. A
 * `flush` that throws fails every item of its batch.
 *
 * @param flush - sends one batch; returns one {@link Settled} per item, in order
 * @param max - the largest batch (SQS: 10)
 * @param wait - how long the first item waits for company, in milliseconds; 0 waits only for
 *   the current turn of the event loop to finish (`setImmediate`), so everything added in it
 *   goes together
 */
export function batcher<T, R>(flush: (items: readonly T[]) => Promise<readonly Settled<R>[]>, max: number, wait: number): Batcher<T, R> {
  let waiting: Pending<T, R>[] = [];
  let cancelTimer: (() => void) | undefined;

  const schedule = (): (() => void) => {
    if (wait === 0) {
      const immediate = setImmediate(send);
      return () => {
        clearImmediate(immediate);
      };
    }
    const timer = setTimeout(send, wait);
    return () => {
      clearTimeout(timer);
    };
  };

  const send = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    flush(batch.map((p) => p.item)).then(
      (results) => {
        batch.forEach((p, i) => {
          const result = results[i];
          if (result === undefined) p.reject(new Error("the batch returned no result for this item"));
          else if (result.ok) p.resolve(result.value);
          else p.reject(result.error);
        });
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  };

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (waiting.length >= max) send();
        else cancelTimer ??= schedule();
      });
    },
  };
}
