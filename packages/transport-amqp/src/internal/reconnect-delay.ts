/**
 * The wait before reconnection attempt `attempt` (from 1): `minDelay` (default 100 ms) doubling
 * after each failed attempt up to `maxDelay` (default 5 s), half of it fixed and half random, so
 * it is never near zero and clients that lost the broker together do not come back together.
 *
 * @param attempt - which attempt, from 1
 * @param limits - `minDelay` and `maxDelay`, in milliseconds
 * @param random - a number in [0, 1); `Math.random` by default
 */
export function reconnectDelay(attempt: number, limits: { readonly minDelay?: number; readonly maxDelay?: number }, random: () => number = Math.random): number {
  const min = Math.max(0, limits.minDelay ?? 100);
  const max = Math.max(min, limits.maxDelay ?? 5_000);
  const ceiling = Math.min(max, min * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return ceiling / 2 + (ceiling / 2) * random();
}
