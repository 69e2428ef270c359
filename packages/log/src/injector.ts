import type { Logger } from "./logger.ts";
import { emit, type Keyvals, Sink } from "./internal/sink.ts";
import { firstLevel, type Level } from "./internal/level-value.ts";

class Injector extends Sink {
  readonly #next: Logger;
  readonly #prefix: Keyvals;

  constructor(next: Logger, level: Level) {
    super();
    this.#next = next;
    this.#prefix = Object.freeze(["level", level]);
  }

  override writeSegments(prefix: Keyvals, record: Keyvals, suffix: Keyvals): void {
    const leveled = firstLevel(prefix) ?? firstLevel(record) ?? firstLevel(suffix);
    emit(this.#next, leveled === undefined ? [...this.#prefix, ...prefix] : prefix, record, suffix);
  }
}

/**
 * A logger that gives records without a level the level `level`, as `level=<name>` at their
 * start, and passes the others on unchanged: Go kit's `level.NewInjector`. A filter over it,
 * `filter(injector(base, …), …)`, judges records by their own level and passes unleveled ones
 * (unless `squelchNoLevel`); a filter under it, `injector(filter(base, …), …)`, judges
 * unleveled records by the injected level.
 *
 * @param next - the logger to write to
 * @param level - the level of records that have none, such as `values.info`
 * @returns the injecting logger
 *
 * @example
 * ```ts
 * const logger = level.filter(level.injector(base, level.values.info), { allow: "warn" });
 * logger.log("msg", "plain");                // passes the filter (no level yet): level=info msg=plain
 * level.error(logger).log("msg", "broken");  // level=error msg=broken
 * ```
 */
export function injector(next: Logger, level: Level): Logger {
  return new Injector(next, level);
}
