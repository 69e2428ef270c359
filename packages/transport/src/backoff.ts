/**
 * How long to wait before trying again after the `attempt`-th failure (counting from 1), in
 * milliseconds.
 */
export type Backoff = (attempt: number) => number;

/** Options for {@link exponentialBackoff}. */
export interface BackoffOptions {
  /** The cap of the first wait, in milliseconds (default 100). */
  readonly base?: number;
  /** The largest wait, in milliseconds (default 30 000). */
  readonly max?: number;
  /** A random number in [0, 1); defaults to `Math.random`. Fix it in tests. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's "Exponential Backoff And
 * Jitter"): after the n-th failure, wait a random time between 0 and `min(max, base × 2^(n-1))`
 * milliseconds, so retries of many messages spread out instead of arriving together.
 *
 * @param options - the first and largest cap, and the random source
 *
 * @example
 * ```ts
 * const delay = exponentialBackoff({ base: 100, max: 10_000 });
 * delay(1); // 0–100 ms
 * delay(4); // 0–800 ms
 * ```
 */
export function exponentialBackoff(options: BackoffOptions = {}): Backoff {
  const { base = 100, max = 30_000, random = Math.random } = options;
  if (!(base >= 0) || !(max >= 0)) throw new RangeError(`backoff base and max must be milliseconds, got ${base} and ${max}`);
  return (attempt) => {
    const exponent = Math.max(0, Math.min(attempt - 1, 52));
    const cap = Math.min(max, base * 2 ** exponent);
    return Math.floor(cap * Math.min(1, Math.max(0, random())));
  };
}
