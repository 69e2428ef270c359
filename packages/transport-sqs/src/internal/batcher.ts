import { watchAbort } from "./abort-watch.ts";

/** What a batch's flush returns for each item, in order: its result, or why it failed. */
export type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/** Collects single calls into batches of up to `max`, SQS's `*Batch` APIs. */
export interface Batcher<T, R> {
  /**
   * Adds an item to the next batch; resolves with its own result. When `signal` aborts first,
   * the promise rejects with the signal's reason at once, and the item is left out of the
   * batch if that has not gone out yet.
   */
  add(item: T, signal?: AbortSignal): Promise<R>;
}

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
  /** Stops watching the caller's signal; `undefined` when there is none. */
  unwatch: (() => void) | undefined;
  /** The caller has its answer (a result, or the abort). */
  done: boolean;
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

  const finish = (p: Pending<T, R>): boolean => {
    if (p.done) return false;
    p.done = true;
    p.unwatch?.();
    return true;
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
          if (!finish(p)) return;
          const result = results[i];
          if (result === undefined) p.reject(new Error("the batch returned no result for this item"));
          else if (result.ok) p.resolve(result.value);
          else p.reject(result.error);
        });
      },
      (error: unknown) => {
        for (const p of batch) if (finish(p)) p.reject(error);
      },
    );
  };

  /** The caller's signal aborted: answer it now, and keep its item out of a batch not yet sent. */
  const abort = (p: Pending<T, R>, signal: AbortSignal): void => {
    if (!finish(p)) return;
    const at = waiting.indexOf(p);
    if (at !== -1) {
      waiting.splice(at, 1);
      if (waiting.length === 0) {
        cancelTimer?.();
        cancelTimer = undefined;
      }
    }
    p.reject(signal.reason);
  };

  return {
    add(item, signal) {
      if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
      return new Promise<R>((resolve, reject) => {
        const p: Pending<T, R> = { item, resolve, reject, unwatch: undefined, done: false };
        if (signal !== undefined) {
          p.unwatch = watchAbort(signal, () => {
            abort(p, signal);
          });
        }
        waiting.push(p);
        if (waiting.length >= max) send();
        else cancelTimer ??= schedule();
      });
    },
  };
}
