/**
 * Levels for {@link Logger}s, as Go kit's `log/level` package: helpers that add `level=…` to
 * a logger's records, the level values, and a filter that keeps the levels you allow.
 * Import it as a namespace to read like Go kit: `level.info(logger).log("msg", "hi")`.
 *
 * @packageDocumentation
 */
import type { Logger } from "./logger.ts";
import { Sink } from "./internal/sink.ts";
import { type Level, values } from "./internal/level-value.ts";
import { withPrefix } from "./with.ts";

export { filter, type FilterOptions } from "./filter.ts";
export { injector } from "./injector.ts";
export { parse, parseDefault } from "./parse.ts";
export { type Level, type LevelName, values } from "./internal/level-value.ts";

const foreign = new WeakMap<Logger, (Logger | undefined)[]>();

/** `withPrefix(logger, "level", value)`, made once per logger and level; `slot` is the level's rank. */
function leveled(logger: Logger, value: Level, slot: number): Logger {
  let cache: (Logger | undefined)[] | undefined;
  if (logger instanceof Sink) {
    cache = logger.levelCache ??= [undefined, undefined, undefined, undefined];
  } else {
    cache = foreign.get(logger);
    if (cache === undefined) foreign.set(logger, (cache = [undefined, undefined, undefined, undefined]));
  }
  return (cache[slot] ??= withPrefix(logger, "level", value));
}

/**
 * A logger whose records start with `level=debug`: Go kit's `level.Debug`. The result is made
 * once per logger, so calling this at every log site costs a lookup.
 *
 * @example
 * ```ts
 * level.debug(logger).log("msg", "cache miss", "key", key);
 * ```
 */
export function debug(logger: Logger): Logger {
  return leveled(logger, values.debug, 0);
}

/**
 * A logger whose records start with `level=info`: Go kit's `level.Info`.
 *
 * @example
 * ```ts
 * level.info(logger).log("msg", "listening", "addr", ":8080"); // level=info msg=listening addr=:8080
 * ```
 */
export function info(logger: Logger): Logger {
  return leveled(logger, values.info, 1);
}

/**
 * A logger whose records start with `level=warn`: Go kit's `level.Warn`.
 *
 * @example
 * ```ts
 * level.warn(logger).log("msg", "slow query", "ms", 1200);
 * ```
 */
export function warn(logger: Logger): Logger {
  return leveled(logger, values.warn, 2);
}

/**
 * A logger whose records start with `level=error`: Go kit's `level.Error`.
 *
 * @example
 * ```ts
 * level.error(logger).log("msg", "payment failed", "err", err);
 * ```
 */
export function error(logger: Logger): Logger {
  return leveled(logger, values.error, 3);
}
