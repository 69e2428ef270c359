// Go kit's loggingMiddleware: one logfmt line per call with its input, output, error and time.
import type { Logger } from "@kit/log";
import type { ServiceMiddleware } from "./service.ts";

/** Milliseconds since `begin` (from `performance.now()`), as Go prints a `time.Duration`'s `took`. */
function took(begin: number): string {
  return `${(performance.now() - begin).toFixed(3)}ms`;
}

/**
 * Logs every call, Go kit's `loggingMiddleware`:
 * `method=uppercase input=hello output=HELLO err=null took=0.012ms`.
 *
 * @example
 * ```ts
 * const svc = loggingMiddleware(log.logfmtLogger(process.stderr))(stringService());
 * ```
 */
export function loggingMiddleware(logger: Logger): ServiceMiddleware {
  return (next) => ({
    async uppercase(ctx, s) {
      const begin = performance.now();
      let output = "";
      let err: unknown = null;
      try {
        output = await next.uppercase(ctx, s);
        return output;
      } catch (e) {
        err = e;
        throw e;
      } finally {
        logger.log("method", "uppercase", "input", s, "output", output, "err", err, "took", took(begin));
      }
    },
    async count(ctx, s) {
      const begin = performance.now();
      let n = 0;
      try {
        n = await next.count(ctx, s);
        return n;
      } finally {
        logger.log("method", "count", "input", s, "n", n, "took", took(begin));
      }
    },
  });
}
