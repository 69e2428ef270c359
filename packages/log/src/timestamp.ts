import { markValuer, type Valuer } from "./valuer.ts";

/**
 * A {@link Valuer} giving the time returned by `now` in ISO-8601 UTC with milliseconds
 * (`2026-11-24T07:35:00.123Z`): Go kit's `log.Timestamp`. Pass a fixed clock in tests.
 *
 * @example
 * ```ts
 * const logger = log.with(base, "ts", timestampUTC(() => new Date("2026-01-01T00:00:00Z")));
 * ```
 */
export function timestampUTC(now: () => Date | number): Valuer {
  return markValuer(() => new Date(now()).toISOString());
}

let lastMillis = Number.NaN;
let lastText = "";

/**
 * The current time in ISO-8601 UTC with milliseconds, computed at each `log` call: Go kit's
 * `log.DefaultTimestampUTC`. The text is computed once per millisecond.
 *
 * @example
 * ```ts
 * const logger = log.with(logfmtLogger(process.stdout), "ts", defaultTimestampUTC);
 * logger.log("msg", "hi"); // ts=2026-11-24T07:35:00.123Z msg=hi
 * ```
 */
export const defaultTimestampUTC: Valuer = markValuer(() => {
  const millis = Date.now();
  if (millis !== lastMillis) {
    lastText = new Date(millis).toISOString();
    lastMillis = millis;
  }
  return lastText;
});
