import type { Logger } from "./logger.ts";
import { emit, type Keyvals, type Route, routeOf, Sink } from "./internal/sink.ts";
import { firstLevel, isLevel, type Level, type LevelName, rank } from "./internal/level-value.ts";
import { isValuer } from "./valuer.ts";

/** Options of {@link filter}. */
export interface FilterOptions {
  /**
   * The least severe level let through: `"info"` lets `info`, `warn` and `error` through
   * (Go kit's `level.AllowInfo()`). `"all"` lets every level through, `"none"` none.
   */
  readonly allow: LevelName | "all" | "none";
  /**
   * Whether to drop records that carry no level (Go kit's `level.SquelchNoLevel`). Default
   * `false`: they pass.
   */
  readonly squelchNoLevel?: boolean;
}

const minimum: Readonly<Record<FilterOptions["allow"], number>> = { ...rank, all: 0, none: Infinity };

/** The first level among the fixed values, or `undefined` if a valuer (which could give one) comes first. */
export function fixedLevel(keyvals: Keyvals): Level | undefined {
  for (let i = 1; i < keyvals.length; i += 2) {
    const value = keyvals[i];
    if (isLevel(value)) return value;
    if (isValuer(value)) return undefined;
  }
  return undefined;
}

class Filter extends Sink {
  readonly #next: Logger;
  readonly #minimum: number;
  readonly #squelchNoLevel: boolean;

  constructor(next: Logger, options: FilterOptions) {
    super();
    this.#next = next;
    this.#minimum = minimum[options.allow];
    this.#squelchNoLevel = options.squelchNoLevel ?? false;
  }

  override writeSegments(prefix: Keyvals, record: Keyvals, suffix: Keyvals): void {
    const level = firstLevel(prefix) ?? firstLevel(record) ?? firstLevel(suffix);
    if (level === undefined ? this.#squelchNoLevel : rank[level.name] < this.#minimum) return;
    emit(this.#next, prefix, record, suffix);
  }

  override specialize(prefix: Keyvals, suffix: Keyvals): Route {
    // A level fixed in the prefix comes before the record's: decide once for every record.
    const level = fixedLevel(prefix);
    if (level === undefined) return { target: this, prefix, suffix };
    if (rank[level.name] < this.#minimum) return { target: null, prefix, suffix };
    return routeOf(this.#next, prefix, suffix);
  }
}

/**
 * A logger that passes on to `next` only the records whose level is allowed: Go kit's
 * `level.NewFilter`. A record's level is its first level value, under any key, including one
 * added through `with`. Records without a level pass unless `squelchNoLevel` is set.
 *
 * A context whose prefix fixes the level (`level.debug(logger)`) is judged once, when it is
 * made: a disallowed `level.debug(logger).log(...)` then costs one call, valuers included.
 *
 * @example
 * ```ts
 * import * as level from "@kit/log/level";
 * const logger = level.filter(logfmtLogger(process.stdout), { allow: "info" });
 * level.debug(logger).log("msg", "dropped");
 * level.info(logger).log("msg", "kept"); // level=info msg=kept
 * ```
 */
export function filter(next: Logger, options: FilterOptions): Logger {
  return new Filter(next, options);
}
