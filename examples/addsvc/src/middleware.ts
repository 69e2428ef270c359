import type { KitError, Middleware } from "@kit/endpoint";
import { goDuration } from "@kit/log";
import { instrument, type Provider } from "@kit/metrics";

/**
 * Where the logging middleware writes: anything with Go kit's `Log(keyvals...)` shape, such
 * as `@kit/log`'s `Logger`.
 */
export interface Logger {
  /** Writes one record made of alternating keys and values. */
  log(...keyvals: unknown[]): void;
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
 * Records every call on `metrics`, Go kit's addsvc `InstrumentingMiddleware` rebuilt on
 * `@kit/metrics`' {@link instrument}: `requests_total{endpoint, code}`,
 * `request_duration_seconds{endpoint, code}` and `requests_in_flight{endpoint}`, with
 * `endpoint` set to `endpointName`.
 *
 * `code` is `"ok"`, the code of a business error the response carries (Go kit's
 * `endpoint.Failer`), or the `KitError` code of what the endpoint threw (`"unknown"` for a
 * bug). Go kit labels a business error `success="true"`; here it is counted under its own code
 * (`invalid_argument`, `out_of_range`), the one the caller gets back, so `code!="ok"` matches
 * the error responses. Only the label reads the error: the response, with its error inside,
 * is returned unchanged, so the transport and other middleware still see a successful call.
 *
 * @param metrics - the provider to declare the metrics on, such as `prometheus({ prefix: "addsvc_" })`
 * @param endpointName - the `endpoint` label, such as `"sum"`
 *
 * @example
 * ```ts
 * const measured = instrumentingMiddleware<SumRequest, SumResponse>(metrics, "sum")(makeSumEndpoint(svc));
 * ```
 */
export function instrumentingMiddleware<Req, Res extends { readonly err?: KitError }>(
  metrics: Provider,
  endpointName: string,
): Middleware<Req, Res> {
  const measure = instrument(metrics, { endpointName });
  return (next) => async (ctx, request) => {
    // instrument() labels by what the endpoint throws, so the carried error is thrown to it and
    // the response it came in is handed back here. Per call, so concurrent calls never mix.
    let carried: Res | undefined;
    const measured = measure<Req, Res>(async (innerCtx, innerRequest) => {
      const response = await next(innerCtx, innerRequest);
      if (response.err !== undefined) {
        carried = response;
        throw response.err;
      }
      return response;
    });
    try {
      return await measured(ctx, request);
    } catch (err) {
      if (carried !== undefined && err === carried.err) return carried;
      throw err;
    }
  };
}
