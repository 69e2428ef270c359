import type { Middleware } from "@kit/endpoint";
import { goDuration } from "./internal/go-duration.ts";

/**
 * Where the logging middleware writes: anything with Go kit's `Log(keyvals...)` shape, such
 * as `@kit/log`'s `Logger`.
 */
export interface Logger {
  /** Writes one record made of alternating keys and values. */
  log(...keyvals: unknown[]): void;
}

/** The labels of one {@link DurationHistogram} observation, as Go kit's addsvc sets them. */
export interface DurationLabels {
  /** The endpoint: `"Sum"` or `"Concat"`. */
  readonly method: string;
  /** `"true"` when the endpoint returned, `"false"` when it threw (Go's `fmt.Sprint(err == nil)`). */
  readonly success: "true" | "false";
}

/**
 * Where the instrumenting middleware records request durations: Go kit's `metrics.Histogram`
 * with its two labels passed at each observation. A Go kit-style `with(...).observe(v)`
 * histogram fits with a one-line adapter:
 * `{ observe: (s, l) => h.with("method", l.method, "success", l.success).observe(s) }`.
 */
export interface DurationHistogram {
  /**
   * Records one request's duration.
   *
   * @param seconds - how long the call took, in seconds
   * @param labels - the endpoint and whether it succeeded
   */
  observe(seconds: number, labels: DurationLabels): void;
}

/**
 * Logs every call after it ends, Go kit's addsvc `LoggingMiddleware`: `transport_error` (the
 * error the endpoint threw, or `undefined`, which loggers write as `null`) and `took` (a Go
 * duration string such as `1.234ms`). Give it a logger that already carries `method`, as
 * Go kit's `log.With(logger, "method", "Sum")` does; {@link newEndpointSet} does that for you.
 *
 * A business error carried in the response is not a transport error: it logs
 * `transport_error=null`, exactly as in Go kit.
 *
 * @param logger - anything with a `log(...keyvals)` method
 *
 * @example
 * ```ts
 * const logged = loggingMiddleware<SumRequest, SumResponse>(logger)(makeSumEndpoint(svc));
 * // transport_error=null took=41.2µs
 * ```
 */
export function loggingMiddleware<Req, Res>(logger: Logger): Middleware<Req, Res> {
  return (next) => async (ctx, request) => {
    const begin = process.hrtime.bigint();
    let error: unknown = undefined;
    try {
      return await next(ctx, request);
    } catch (err) {
      error = err;
      throw err;
    } finally {
      logger.log("transport_error", error, "took", goDuration(process.hrtime.bigint() - begin));
    }
  };
}

/**
 * Records the duration of every call, in seconds, Go kit's addsvc `InstrumentingMiddleware`:
 * one observation per call, labelled with `method` and `success` (`"false"` only when the
 * endpoint threw). A business error carried in the response counts as a success, exactly as
 * in Go kit, where the endpoint returns it with a nil error.
 *
 * @param duration - the histogram to observe into
 * @param method - the `method` label, such as `"Sum"`
 *
 * @example
 * ```ts
 * const timed = instrumentingMiddleware<SumRequest, SumResponse>(histogram, "Sum")(makeSumEndpoint(svc));
 * ```
 */
export function instrumentingMiddleware<Req, Res>(duration: DurationHistogram, method: string): Middleware<Req, Res> {
  return (next) => async (ctx, request) => {
    const begin = process.hrtime.bigint();
    let success: "true" | "false" = "false";
    try {
      const response = await next(ctx, request);
      success = "true";
      return response;
    } finally {
      duration.observe(Number(process.hrtime.bigint() - begin) / 1e9, { method, success });
    }
  };
}
