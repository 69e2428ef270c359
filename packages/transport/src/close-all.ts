/**
 * Runs every function of `stops`, last first, each one even when one before it failed; then
 * throws the first failure. What a service that started several things (listeners,
 * connections, subscribers) calls on the way out, so that what started last stops first.
 *
 * @param stops - what to close, in the order it started
 * @throws the first failure, after every function of `stops` has run
 *
 * @example
 * ```ts
 * const stops = [() => connection.close(), () => subscribers.close()];
 * await closeAll(stops); // the subscribers, then the connection
 * ```
 */
export async function closeAll(stops: readonly (() => Promise<unknown>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const stop of [...stops].reverse()) await stop().catch((err: unknown) => failures.push(err));
  if (failures.length > 0) throw failures[0] as Error;
}
