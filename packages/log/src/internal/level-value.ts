// The level values, apart from the helpers in level.ts so the writers can recognise them
// without importing the rest.

/** The name of a level, from the least to the most severe. */
export type LevelName = "debug" | "info" | "warn" | "error";

/**
 * A level value, as `level.info(logger)` adds under the key `level`: Go kit's `level.Value`.
 * It prints as its name in logfmt and JSON, and {@link filter} and the pino adapter recognise
 * it under any key, also when added through `with`. Use the values in {@link values}; a look-alike
 * object is not a level.
 */
export interface Level {
  /** The level's name, also what `toString` and `toJSON` return. */
  readonly name: LevelName;
  /** The level's name. */
  toString(): LevelName;
  /** The level's name, so `JSON.stringify` writes it as a string. */
  toJSON(): LevelName;
}

// Symbol.for, so a level made by one copy of @kit/log is recognised by another.
const brand: unique symbol = Symbol.for("@kit/log.level");

/** The rank of each level name: a filter lets through the ranks at or above its minimum. */
export const rank: Readonly<Record<LevelName, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

function level(name: LevelName): Level {
  return Object.freeze({
    name,
    toString: () => name,
    toJSON: () => name,
    [brand]: true,
  });
}

/**
 * The four level values: Go kit's `level.DebugValue()` and siblings. Add one under any key
 * to give a record its level, for example `log.with(logger, "level", values.warn)`.
 *
 * @example
 * ```ts
 * const audit = log.with(logger, "level", level.values.info, "audit", true);
 * ```
 */
export const values: {
  /** The `debug` level. */
  readonly debug: Level;
  /** The `info` level. */
  readonly info: Level;
  /** The `warn` level. */
  readonly warn: Level;
  /** The `error` level. */
  readonly error: Level;
} = Object.freeze({ debug: level("debug"), info: level("info"), warn: level("warn"), error: level("error") });

/** Whether `value` is a level value from any copy of `@kit/log` with a name this copy knows. */
export function isLevel(value: unknown): value is Level {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { [brand]?: unknown })[brand] === true &&
    Object.hasOwn(rank, (value as { name?: unknown }).name as string)
  );
}

/** The first level value among the values of `keyvals`. */
export function firstLevel(keyvals: readonly unknown[]): Level | undefined {
  for (let i = 1; i < keyvals.length; i += 2) {
    const value = keyvals[i];
    if (isLevel(value)) return value;
  }
  return undefined;
}
