import type { Logger } from "./logger.ts";
import { Sink } from "./internal/sink.ts";

/**
 * Whether every record written to `logger` is certain to be dropped: `nop()`, a context built
 * on it, or a level helper's logger under a filter that denies that level
 * (`level.debug(level.filter(out, { allow: "info" }))`). A middleware can ask before building a
 * record, so logging to such a logger costs nothing; the answer does not change for a logger.
 * `false` means records may be written (a filter without a fixed level decides per record, and
 * loggers from outside this package are never known to discard).
 *
 * @param logger - any logger
 *
 * @example
 * ```ts
 * const out = logfmtLogger(process.stdout);
 * discards(level.debug(level.filter(out, { allow: "info" }))); // true: no debug record passes
 * discards(level.info(level.filter(out, { allow: "info" }))); // false
 * discards(nop()); // true
 * // in a logging middleware: (next) => (discards(logger) ? next : logged(next))
 * ```
 */
export function discards(logger: Logger): boolean {
  return logger instanceof Sink && logger.discardsAll();
}
