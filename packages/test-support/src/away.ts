/** How a broker of the test's own stays away while it restarts. */
export interface AwayOptions {
  /** How long it stays away, in milliseconds, at least (default 0). */
  readonly downtime?: number;
  /** Runs while it is away (its port refuses connections), before it starts again. */
  readonly whileDown?: () => Promise<unknown>;
}

/**
 * Runs `whileDown`, then waits out what is left of `downtime` counted from `since` (epoch ms,
 * when the broker went away).
 */
export async function stayAway(options: AwayOptions, since: number): Promise<void> {
  await options.whileDown?.();
  const left = since + (options.downtime ?? 0) - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}
