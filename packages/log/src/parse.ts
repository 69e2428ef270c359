import { type Level, values } from "./internal/level-value.ts";

/**
 * The level named by `text`, Go kit's `level.Parse`: surrounding spaces are trimmed and the
 * name lower-cased, so `" INFO "` is `values.info`. Anything but `debug`, `info`, `warn` or
 * `error` throws a `TypeError` that names what was given and what is accepted, so a typo in
 * a `LOG_LEVEL` variable stops the program at start rather than flooding or muting its logs.
 *
 * @param text - a level name, such as an environment variable's value
 * @returns the level value, for `filter`'s `allow` or a record's `level` key
 * @throws TypeError for any other name (Go kit's `ErrInvalidLevelString`)
 *
 * @example
 * ```ts
 * const logger = level.filter(base, { allow: level.parse(process.env.LOG_LEVEL ?? "info") });
 * ```
 */
export function parse(text: string): Level {
  const given: unknown = text; // a JavaScript caller may pass anything, such as an unset variable
  const name = typeof given === "string" ? given.trim().toLowerCase() : "";
  if (name === "debug" || name === "info" || name === "warn" || name === "error") return values[name];
  throw new TypeError(`invalid level ${JSON.stringify(String(given))}: expected "debug", "info", "warn" or "error"`);
}

/**
 * The level named by `text` as {@link parse} reads it, or `fallback` when it names none (an
 * unset or misspelled variable): Go kit's `level.ParseDefault`.
 *
 * @param text - a level name, or `undefined`
 * @param fallback - the level to use when `text` is not one
 * @returns the level value
 *
 * @example
 * ```ts
 * const allow = level.parseDefault(process.env.LOG_LEVEL, level.values.info);
 * ```
 */
export function parseDefault(text: string | undefined, fallback: Level): Level {
  if (text === undefined) return fallback;
  try {
    return parse(text);
  } catch {
    return fallback;
  }
}
