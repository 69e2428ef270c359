import type { Logger } from "./logger.ts";
import { emit, type Keyvals, type Route, routeOf, Sink } from "./internal/sink.ts";
import { firstLevel, isLevel, type Level, type LevelName, rank } from "./internal/level-value.ts";
import { isValuer } from "./valuer.ts";

/** Options of {@link filter}. */
export interface FilterOptions {
  /**
   * The least severe level let through: `"info"` or `values.info` lets `info`, `warn` and
   * `error` through (Go kit's `level.AllowInfo()`, `level.Allow(level.InfoValue())`). `"all"`
   * lets every level through, `"none"` none. Left out, no leveled record passes, as Go kit's
   * filter without an option. Any other value is refused with a `TypeError`; read a level
   * from configuration with `level.parse`, which lower-cases it and names what it accepts.
   */
  readonly allow?: Level | LevelName | "all" | "none";
  /**
   * Whether to drop records that carry no level (Go kit's `level.SquelchNoLevel`). Default
   * `false`: they pass.
   */
  readonly squelchNoLevel?: boolean;
}

const minimum: Readonly<Record<LevelName | "all" | "none", number>> = { ...rank, all: 0, none: Infinity };

/** The rank a record's level needs to pass; never a value that would let everything through. */
function minimumOf(allow: unknown): number {
  if (allow === undefined) return minimum.none;
  if (isLevel(allow)) return rank[allow.name];
  if (typeof allow === "string" && Object.hasOwn(minimum, allow)) return minimum[allow as keyof typeof minimum];
  const shown = typeof allow === "string" ? JSON.stringify(allow) : typeof allow;
  throw new TypeError(`level.filter: allow must be "debug", "info", "warn", "error", "all", "none" or a level value, got ${shown}`);
}

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

  constructor(next: Logger, options: FilterOptions = {}) {
    super();
    this.#next = next;
    this.#minimum = minimumOf(options.allow);
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
 * It never fails open: with no `allow` it drops every leveled record (Go kit's filter with no
 * option), and an `allow` it does not know (`"INFO"`, `"warning"`) throws a `TypeError` at once
 * rather than letting debug records through.
 *
 * A context whose prefix fixes the level (`level.debug(logger)`) is judged once, when it is
 * made: a disallowed `level.debug(logger).log(...)` then costs one call, valuers included.
 *
 * @example
 * ```ts
 * import * as level from "@kit/log/level";
 * const logger = level.filter(logfmtLogger(process.stdout), { allow: level.parse(process.env.LOG_LEVEL ?? "info") });
 * level.debug(logger).log("msg", "dropped");
 * level.info(logger).log("msg", "kept"); // level=info msg=kept
 * ```
 */
export function filter(next: Logger, options: FilterOptions = {}): Logger {
  return new Filter(next, options);
}
