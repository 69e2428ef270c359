import { markValuer, type Valuer } from "./valuer.ts";

const location = /([^/\\\s(]+):(\d+):\d+\)?\s*$/;

/**
 * A {@link Valuer} giving the `file:line` found `depth` frames up the stack when the record is
 * logged: Go kit's `log.Caller`. The file is the base name, as in Go kit. Frame 0 is the
 * valuer itself, so with Go kit's numbering, depth 3 is the code that called `log` on a logger
 * made by {@link with}, {@link withPrefix} or {@link withSuffix}; add one for each function
 * of your own between that code and `log`. Gives `(unknown)` when the stack is not that deep.
 *
 * @example
 * ```ts
 * // logs through a helper of your own: one frame more than defaultCaller
 * const logger = log.with(base, "caller", caller(4));
 * ```
 */
export function caller(depth: number): Valuer {
  const frames = Math.max(0, Math.trunc(depth)) + 1;
  return markValuer(function kitCaller(): string {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = frames;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder);
    Error.stackTraceLimit = limit;
    const stack = holder.stack;
    if (typeof stack !== "string") return "(unknown)";
    const lines = stack.split("\n");
    // lines[0] is "Error"; lines[1] is frame 0.
    const frame = lines.length > frames ? lines[frames] : undefined;
    const match = frame === undefined ? null : location.exec(frame);
    return match === null ? "(unknown)" : `${match[1] ?? ""}:${match[2] ?? ""}`;
  });
}

/**
 * The `file:line` of the code that called `log`: Go kit's `log.DefaultCaller`, `caller(3)`.
 *
 * @example
 * ```ts
 * const logger = log.with(base, "caller", defaultCaller);
 * logger.log("msg", "hi"); // caller=main.ts:12 msg=hi
 * ```
 */
export const defaultCaller: Valuer = caller(3);
