import { background, untilAborted } from "@kit/endpoint";

const never = background().signal;

/**
 * `work()`, rejected with the signal's reason if it aborts first (`untilAborted`); with the
 * background context's signal, which never aborts, `work()` as it is, without a listener.
 */
export function abortable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return signal === never ? work() : untilAborted(signal, work);
}
