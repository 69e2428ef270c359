/**
 * The runtime's own short backoff, for failures that are not the message's: a receive that
 * failed (the broker is down or restarting), and a settling call that failed (a refused ack, a
 * dead letter that cannot be written). The wait after the `n`th failure in a row, in
 * milliseconds: 100 ms doubling to 5 s, half of it fixed and half random (so it is never near
 * zero, and consumers that failed together do not retry together). Capped at seconds, not the
 * message retry's 30 s, so a subscriber is back within seconds of its broker.
 *
 * @param n - how many failures in a row, from 1
 * @param random - a number in [0, 1); `Math.random` by default
 */
export function shortBackoff(n: number, random: () => number = Math.random): number {
  const ceiling = Math.min(5_000, 100 * 2 ** Math.min(Math.max(0, n - 1), 16));
  return ceiling / 2 + (ceiling / 2) * random();
}
