/** Anything {@link startAll} starts: a subscriber, a requester, a connection. */
export interface Closeable {
  /** Stops it and lets go of what it holds. */
  close(): Promise<void>;
}

/** Each promise of `T`, as what it resolves to: what {@link startAll} resolves with. */
export type Started<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/**
 * Waits for everything `starting` starts (subscribers, requesters: anything with `close()`)
 * and resolves with them in the same order. When one fails, those that started are closed and
 * the first failure is thrown, so nothing is left running behind a failed start.
 *
 * @param starting - what is starting, each a promise of something to close
 * @returns what started, in the order of `starting`
 * @throws the first failure, once those that started are closed
 *
 * @example
 * ```ts
 * const [orders, refunds] = await startAll([subscriber(kafka, "orders", …), subscriber(kafka, "refunds", …)]);
 * ```
 */
export async function startAll<T extends readonly Promise<Closeable>[]>(starting: readonly [...T]): Promise<Started<T>> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed === undefined) return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as Started<T>;
  await Promise.allSettled(settled.flatMap((s) => (s.status === "fulfilled" ? [s.value.close()] : [])));
  throw failed.reason;
}
