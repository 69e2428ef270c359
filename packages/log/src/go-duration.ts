// Go's time.Duration.String, so a duration reads in a log line as it does in Go kit's.

const second = 1_000_000_000n;

/**
 * A duration in nanoseconds as Go's `time.Duration.String()` writes it: `0s`, `850ns`,
 * `1.5µs` (U+00B5), `12.345678ms`, `1.5s`, `2m3.5s`, `1h0m0s`; no trailing zeros. Go kit's
 * logging middleware logs `took` so.
 *
 * @param nanoseconds - the duration, such as the difference of two `process.hrtime.bigint()`
 *
 * @example
 * ```ts
 * const begin = process.hrtime.bigint();
 * // … the call …
 * logger.log("took", goDuration(process.hrtime.bigint() - begin)); // took=41.2µs
 * ```
 */
export function goDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return "0s";
  const sign = nanoseconds < 0n ? "-" : "";
  const u = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (u < second) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${decimal(u, 3)}µs`;
    return `${sign}${decimal(u, 6)}ms`;
  }
  const seconds = decimal(u % (60n * second), 9);
  const minutes = u / (60n * second);
  if (minutes === 0n) return `${sign}${seconds}s`;
  const hours = minutes / 60n;
  return hours === 0n ? `${sign}${minutes}m${seconds}s` : `${sign}${hours}h${minutes % 60n}m${seconds}s`;
}

/** `v / 10^digits` written with the fraction's trailing zeros (and a bare point) left out. */
function decimal(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const fraction = (v % scale).toString().padStart(digits, "0").replace(/0+$/, "");
  return fraction === "" ? `${v / scale}` : `${v / scale}.${fraction}`;
}
