import { errorText } from "./internal/text.ts";

/**
 * A value computed at each `log` call: Go kit's `log.Valuer`. Make one with {@link valuer};
 * bind it with {@link with}, {@link withPrefix} or {@link withSuffix}, and the context calls it
 * for every record it writes. A valuer passed straight to `log` is not called, as in Go kit.
 */
export type Valuer = () => unknown;

// Symbol.for, so a valuer made by one copy of @kit/log is recognised by another.
const mark: unique symbol = Symbol.for("@kit/log.valuer");

/** Marks `fn` as a valuer in place. */
export function markValuer(fn: () => unknown): Valuer {
  Object.defineProperty(fn, mark, { value: true });
  return fn;
}

/**
 * Makes a {@link Valuer} out of a function: bound through {@link with} and its siblings, `fn`
 * is called at each `log` call and its result is logged. If `fn` throws, the value logged is
 * `(ERROR: <message>)` and the record is still written.
 *
 * @example
 * ```ts
 * let requests = 0;
 * const logger = log.with(base, "requests", valuer(() => requests));
 * ```
 */
export function valuer(fn: () => unknown): Valuer {
  return markValuer(() => fn());
}

/** Whether `value` was made by {@link valuer} (or is one of this package's valuers). */
export function isValuer(value: unknown): value is Valuer {
  return typeof value === "function" && (value as { [mark]?: unknown })[mark] === true;
}

/** Whether any value of `keyvals` is a valuer. */
export function containsValuer(keyvals: readonly unknown[]): boolean {
  for (let i = 1; i < keyvals.length; i += 2) if (isValuer(keyvals[i])) return true;
  return false;
}

/**
 * `keyvals` with every valuer replaced by its result (a copy, when there is one). `caller`
 * counts on the stack at this point being: the valuer, this function, the context's `log`, the
 * caller of `log`.
 */
export function bindValues(keyvals: readonly unknown[]): readonly unknown[] {
  let bound: unknown[] | undefined;
  for (let i = 1; i < keyvals.length; i += 2) {
    const value = keyvals[i];
    if (isValuer(value)) {
      bound ??= keyvals.slice();
      try {
        bound[i] = value();
      } catch (error) {
        bound[i] = errorText(error);
      }
    }
  }
  return bound ?? keyvals;
}
