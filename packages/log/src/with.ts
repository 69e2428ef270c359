import type { Logger } from "./logger.ts";
import {
  concat,
  EMPTY,
  type Keyvals,
  logForeign,
  MISSING,
  type Route,
  routeOf,
  Sink,
} from "./internal/sink.ts";
import { Nop } from "./nop.ts";
import { bindValues, containsValuer } from "./valuer.ts";

/** How a context writes: not routed yet, drops everything, straight to a Kit logger, or binding valuers first. */
const Mode = { Unrouted: 0, Drop: 1, Direct: 2, Bind: 3 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * What `with`, `withPrefix` and `withSuffix` return: Go kit's `log.context`. Contexts are
 * flattened, so a chain of `with` calls costs one context, not one per call. The route to the
 * underlying logger (a filter's verdict, pino child bindings) is chosen once, at the first record.
 */
class Context extends Sink {
  readonly #root: Logger;
  readonly #prefix: Keyvals;
  readonly #suffix: Keyvals;
  // The route, chosen at the first record, so a context made only to be extended (as
  // `level.info(log.with(logger, …))` does) never pays for it.
  #mode: Mode = Mode.Unrouted;
  #target: Logger | null = null;
  #sink: Sink | undefined = undefined;
  #routedPrefix: Keyvals = EMPTY;
  #routedSuffix: Keyvals = EMPTY;

  constructor(root: Logger, prefix: Keyvals, suffix: Keyvals) {
    super();
    this.#root = root;
    this.#prefix = prefix;
    this.#suffix = suffix;
  }

  #route(): void {
    const route = routeOf(this.#root, this.#prefix, this.#suffix);
    this.#target = route.target;
    this.#sink = route.target instanceof Sink ? route.target : undefined;
    this.#routedPrefix = route.prefix;
    this.#routedSuffix = route.suffix;
    this.#mode =
      route.target === null
        ? Mode.Drop
        : this.#sink !== undefined && !containsValuer(route.prefix) && !containsValuer(route.suffix)
          ? Mode.Direct
          : Mode.Bind;
  }

  /** Builds the context `with`, `withPrefix` or `withSuffix` asked for on top of this one. */
  extend(where: Where, keyvals: Keyvals): Context {
    switch (where) {
      case "append":
        return new Context(this.#root, [...this.#prefix, ...keyvals], this.#suffix);
      case "prepend":
        return new Context(this.#root, [...keyvals, ...this.#prefix], this.#suffix);
      case "suffix":
        return new Context(this.#root, this.#prefix, [...this.#suffix, ...keyvals]);
    }
  }

  override log(...record: unknown[]): void {
    const sink = this.#sink;
    if (this.#mode === Mode.Direct && sink !== undefined) {
      sink.writeSegments(this.#routedPrefix, record, this.#routedSuffix);
      return;
    }
    if (this.#mode === Mode.Unrouted) this.#route();
    const target = this.#target;
    if (target === null) return;
    // Keep the valuers exactly three frames below the caller of `log`: see caller.ts.
    const prefix = bindValues(this.#routedPrefix);
    const suffix = bindValues(this.#routedSuffix);
    if (target instanceof Sink) target.writeSegments(prefix, record, suffix);
    else logForeign(target, prefix, record, suffix);
  }

  override writeSegments(prefix: Keyvals, record: Keyvals, suffix: Keyvals): void {
    this.log(...concat(prefix, record, suffix));
  }

  override discardsAll(): boolean {
    if (this.#mode === Mode.Unrouted) this.#route();
    return this.#mode === Mode.Drop;
  }

  override specialize(prefix: Keyvals, suffix: Keyvals): Route {
    // A context under a filter: one context with both prefixes and both suffixes.
    return routeOf(this.#root, [...this.#prefix, ...prefix], [...suffix, ...this.#suffix]);
  }
}

/** Where new keyvals go: after the prefix, before it, or after the suffix. */
type Where = "append" | "prepend" | "suffix";

/** The contextual logger for `where` and `keyvals`, which this function may keep and pad. */
function extend(logger: Logger, where: Where, keyvals: unknown[]): Logger {
  if (keyvals.length === 0 || logger instanceof Nop) return logger;
  if (keyvals.length % 2 === 1) keyvals.push(MISSING);
  if (logger instanceof Context) return logger.extend(where, keyvals);
  return where === "suffix" ? new Context(logger, EMPTY, keyvals) : new Context(logger, keyvals, EMPTY);
}

/**
 * A logger that adds `keyvals` to every record, after the context it already has and before
 * the record's own keyvals: Go kit's `log.With`. Values made with {@link valuer} (such as
 * {@link defaultTimestampUTC} and {@link defaultCaller}) are computed at each `log` call.
 * An odd count gives the last key the value `(MISSING)`.
 *
 * `with` is a reserved word, so import the package as a namespace (`log.with(...)`) or
 * rename it (`import { with as withKeyvals } from "@kit/log"`).
 *
 * @example
 * ```ts
 * import * as log from "@kit/log";
 * const logger = log.with(log.logfmtLogger(process.stdout), "ts", log.defaultTimestampUTC, "svc", "api");
 * logger.log("msg", "started"); // ts=2026-11-24T07:35:00.123Z svc=api msg=started
 * ```
 */
function withKeyvals(logger: Logger, ...keyvals: unknown[]): Logger {
  return extend(logger, "append", keyvals);
}
export { withKeyvals as with };

/**
 * A logger that adds `keyvals` to every record before any context it already has: Go kit's
 * `log.WithPrefix`. This is how the level helpers put `level=…` first.
 *
 * @example
 * ```ts
 * const logger = log.withPrefix(log.with(base, "svc", "api"), "ts", log.defaultTimestampUTC);
 * logger.log("msg", "hi"); // ts=… svc=api msg=hi
 * ```
 */
export function withPrefix(logger: Logger, ...keyvals: unknown[]): Logger {
  return extend(logger, "prepend", keyvals);
}

/**
 * A logger that adds `keyvals` to every record after the record's own keyvals: Go kit's
 * `log.WithSuffix`. Later suffixes go after earlier ones.
 *
 * @example
 * ```ts
 * const logger = log.withSuffix(base, "caller", log.defaultCaller);
 * logger.log("msg", "hi"); // msg=hi caller=main.ts:4
 * ```
 */
export function withSuffix(logger: Logger, ...keyvals: unknown[]): Logger {
  return extend(logger, "suffix", keyvals);
}
