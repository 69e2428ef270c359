// The broker outage of a transport's restart test: how long it lasts (KIT_RESTART_DOWNTIME_MS)
// and the publishes made while the broker is away, each of which must fail fast.
import { Code, KitError } from "@kit/endpoint";

/** The pause between two publishes while the broker is away: a modest rate, at most 10 a second. */
const pause = 100;

/** The fewest publishes {@link publishWhileAway} makes, however short the outage. */
const fewest = 3;

/** One publish made while the broker was away: its error code (`undefined` if it was acknowledged) and how long it took. */
export interface AwayPublish {
  /** The code of the `KitError` the publish failed with; `undefined` when the broker acknowledged it. */
  readonly code?: string | undefined;
  /** How long the publish took to fail (or to be acknowledged), in milliseconds. */
  readonly ms: number;
}

/**
 * How long a restart test keeps its broker away, in milliseconds: the environment variable
 * `KIT_RESTART_DOWNTIME_MS` (an outage of minutes, say), else `fallback`.
 *
 * @param fallback - the downtime without the variable (0: the broker is away only while the
 *   test's few publishes fail)
 * @throws KitError `invalid_argument` when the variable or `fallback` is not a number of
 *   milliseconds of 0 or more
 */
export function restartDowntime(fallback = 0): number {
  checkDowntime(fallback, "fallback");
  const set = process.env.KIT_RESTART_DOWNTIME_MS;
  if (set === undefined || set.trim() === "") return fallback;
  const ms = Number(set);
  checkDowntime(ms, "KIT_RESTART_DOWNTIME_MS");
  return ms;
}

/**
 * Publishes one message at a time, 100 ms apart, until the broker has been away for `downtime`
 * ms since `since` (and at least 3 times), recording how each publish ended. Bounded: at most
 * `3 + downtime / 100` publishes.
 *
 * @example
 * ```ts
 * await server.stop();
 * const made = await publishWhileAway(Date.now(), restartDowntime(), () => tryPublish(next++));
 * assert.deepEqual(made.filter((p) => p.code !== "unavailable"), []);
 * ```
 *
 * @param since - when the broker went away (epoch ms)
 * @param downtime - how long it stays away, in ms (see {@link restartDowntime})
 * @param publish - publishes the next message; resolves with its error, or `undefined` if acknowledged
 * @throws KitError `invalid_argument` when `downtime` is not a number of milliseconds of 0 or more
 */
export async function publishWhileAway(since: number, downtime: number, publish: () => Promise<KitError | undefined>): Promise<AwayPublish[]> {
  checkDowntime(downtime, "downtime");
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

/**
 * The publishes made while the broker was away, for a restart test's printed line: how many, the
 * downtime, their codes, the slowest and the median, as in
 * "3 publishes while away (0 ms downtime) failed with unavailable in at most 52 ms (median 41 ms)".
 *
 * @param made - the publishes (see {@link publishWhileAway})
 * @param downtime - how long the broker was away, in ms
 */
export function describeAway(made: readonly AwayPublish[], downtime: number): string {
  const ms = made.map((p) => p.ms).sort((a, b) => a - b);
  const codes = [...new Set(made.map((p) => p.code ?? "acknowledged"))].join(", ");
  return `${String(made.length)} publishes while away (${String(downtime)} ms downtime) failed with ${codes} in at most ${String(ms.at(-1) ?? 0)} ms (median ${String(ms[Math.floor(ms.length / 2)] ?? 0)} ms)`;
}

function checkDowntime(ms: number, field: string): void {
  if (!Number.isFinite(ms) || ms < 0) throw new KitError(Code.InvalidArgument, `${field} must be a number of milliseconds of 0 or more, got ${String(ms)}`);
}
