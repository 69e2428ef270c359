// The broker outage of a restart test: how long it lasts (KIT_RESTART_DOWNTIME_MS) and the
// publishes made while the broker is away, each of which must fail fast with `unavailable`.
import type { KitError } from "@kit/endpoint";

/**
 * How long the restart test keeps the broker away, in milliseconds: KIT_RESTART_DOWNTIME_MS
 * (an outage of minutes, say), or 0 by default, where the broker is away only while the few
 * publishes of {@link publishWhileAway} fail.
 */
export const downtime = Number(process.env.KIT_RESTART_DOWNTIME_MS ?? 0);

/** The pause between two publishes while the broker is away: a modest rate, at most 10 a second. */
const pause = 100;

/** The fewest publishes made while the broker is away, however short the outage. */
const fewest = 3;

/** One publish made while the broker was away: its error code (`undefined` if it was acknowledged) and how long it took. */
export interface AwayPublish {
  readonly code: string | undefined;
  readonly ms: number;
}

/**
 * Publishes one message at a time, `pause` ms apart, until the broker has been away for
 * `downtime` ms since `since` (and at least 3 times), recording how each publish ended. Bounded:
 * at most `3 + downtime / 100` publishes.
 *
 * @param since - when the broker went away (epoch ms)
 * @param publish - publishes the next message; resolves with its error, or `undefined` if acknowledged
 */
export async function publishWhileAway(since: number, publish: () => Promise<KitError | undefined>): Promise<AwayPublish[]> {
  const made: AwayPublish[] = [];
  const most = fewest + downtime / pause;
  while (made.length < most && (made.length < fewest || Date.now() - since < downtime)) {
    const started = Date.now();
    const failed = await publish();
    made.push({ code: failed?.code, ms: Date.now() - started });
    if (Date.now() - since < downtime) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return made;
}

/** The publishes made while away, for the test's printed line: how many, their codes, the slowest and the median. */
export function describeAway(made: readonly AwayPublish[]): string {
  const ms = made.map((p) => p.ms).sort((a, b) => a - b);
  const codes = [...new Set(made.map((p) => p.code ?? "acknowledged"))].join(", ");
  return `${String(made.length)} publishes while away (${String(downtime)} ms downtime) failed with ${codes} in at most ${String(ms.at(-1) ?? 0)} ms (median ${String(ms[Math.floor(ms.length / 2)] ?? 0)} ms)`;
}
