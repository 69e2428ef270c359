// The internal protocol between Kit's own loggers. Not exported from the package.
//
// A record travels as three segments, `prefix`, `record` and `suffix`, so a contextual logger
// never concatenates arrays on the hot path. `prefix` and `suffix` always have an even length;
// `record` may be odd, and then its last key gets the value `(MISSING)`.
import type { Logger } from "../logger.ts";

/** A list of alternating keys and values. */
export type Keyvals = readonly unknown[];

/** The empty segment. */
export const EMPTY: Keyvals = Object.freeze([]);

/** The value given to a key that has none, as Go kit's `ErrMissingValue` prints. */
export const MISSING = "(MISSING)";


/**
 * Where a context with the given prefix and suffix should send its records: `target` gets
 * `prefix`, the record and `suffix`. A `null` target drops every record.
 */
export interface Route {
  readonly target: Logger | null;
  readonly prefix: Keyvals;
  readonly suffix: Keyvals;
}

/**
 * Base class of every logger in this package. Its methods are not part of the public API:
 * the package only ever hands out these objects typed as `Logger`.
 */
export abstract class Sink implements Logger {
  /** Where the level helpers cache their loggers. */
  levelCache: (Logger | undefined)[] | undefined = undefined;

  log(...keyvals: unknown[]): void {
    this.writeSegments(EMPTY, keyvals, EMPTY);
  }

  /** Whether every record given to this logger is certain to be dropped (see `discards`). */
  discardsAll(): boolean {
    return false;
  }

  /** Writes `prefix`, `record` and `suffix` as one record. Never throws. */
  abstract writeSegments(prefix: Keyvals, record: Keyvals, suffix: Keyvals): void;

  /**
   * Called once when a context is built on this logger, so the logger can decide ahead of
   * time what it would otherwise decide on every record (a filter's verdict on a fixed level,
   * pino child bindings). By default, the context writes to this logger unchanged.
   */
  specialize(prefix: Keyvals, suffix: Keyvals): Route {
    return { target: this, prefix, suffix };
  }
}

/** The route of a context built on any logger. */
export function routeOf(logger: Logger, prefix: Keyvals, suffix: Keyvals): Route {
  return logger instanceof Sink ? logger.specialize(prefix, suffix) : { target: logger, prefix, suffix };
}

/** Writes a record to any logger: Kit's own through segments, others through `log`. */
export function emit(target: Logger, prefix: Keyvals, record: Keyvals, suffix: Keyvals): void {
  if (target instanceof Sink) target.writeSegments(prefix, record, suffix);
  else logForeign(target, prefix, record, suffix);
}

/** Flattens the segments for a logger that is not one of Kit's, and swallows its throws. */
export function logForeign(target: Logger, prefix: Keyvals, record: Keyvals, suffix: Keyvals): void {
  const keyvals = concat(prefix, record, suffix);
  try {
    target.log(...keyvals);
  } catch {
    // A logger must not throw into business code: the record is dropped.
  }
}

/**
 * One list out of three segments, with `(MISSING)` after an odd record when there is context
 * around it, as Go kit's contextual logger pads, so the logger it goes to gets pairs.
 */
export function concat(prefix: Keyvals, record: Keyvals, suffix: Keyvals): unknown[] {
  const keyvals = [...prefix, ...record];
  if (record.length % 2 === 1 && (prefix.length > 0 || suffix.length > 0)) keyvals.push(MISSING);
  for (const value of suffix) keyvals.push(value);
  return keyvals;
}
