// The services here work in memory, synchronously; their methods still return promises, as a
// service on a real store would.

/** `work()`'s result as a promise, its throw as a rejection. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
