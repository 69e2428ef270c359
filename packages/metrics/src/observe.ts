import type { Endpoint } from "@kit/endpoint";
import { called } from "./internal/called.ts";
import { instrument } from "./instrument.ts";
import type { Provider } from "./provider.ts";

/** Where {@link observe} logs: anything with Go kit's `log(...keyvals)`, such as `@kit/log`'s loggers. */
export interface Logger {
  /** Writes one record of alternating keys and values. */
  log(...keyvals: unknown[]): void;
}

/** What {@link observe} wires in; each part is optional. */
export interface MiddlewareOptions {
  /** Gets `method`, `err` (`null` on success) and `took_ms` for every call. */
  readonly logger?: Logger;
  /** Records `requests_total`, `request_duration_seconds` and `requests_in_flight` by `endpoint` (the method). */
  readonly metrics?: Provider;
}

function logged<Req, Res>(logger: Logger, method: string, next: Endpoint<Req, Res>): Endpoint<Req, Res> {
  const log = (err: unknown, begin: number): void => {
    logger.log("method", method, "err", err, "took_ms", Math.round((performance.now() - begin) * 1000) / 1000);
  };
  // Not an async function: see `called`.
  return (ctx, request) => {
    const begin = performance.now();
    return called(next, ctx, request).then(
      (response) => {
        log(null, begin);
        return response;
      },
      (thrown: unknown) => {
        log(thrown, begin);
        throw thrown;
      },
    );
  };
}

/**
 * Wraps one endpoint with Go kit addsvc's logging and instrumenting middleware, labelled with
 * `method`: logging outermost (one record per call, after it ends, with what it threw or `null`
 * and the milliseconds it took), then {@link instrument}'s metrics. What the endpoint throws is
 * rethrown unchanged; with neither a logger nor metrics the endpoint is given back as it is.
 *
 * @param options - the logger and the metrics provider
 * @param method - the method's name: the `method` key of each record and the `endpoint` label
 * @param next - the endpoint to wrap
 *
 * @example
 * ```ts
 * const sum = observe({ logger, metrics }, "sum", sumEndpoint);
 * ```
 */
export function observe<Req, Res>(options: MiddlewareOptions, method: string, next: Endpoint<Req, Res>): Endpoint<Req, Res> {
  const measured = options.metrics === undefined ? next : instrument(options.metrics, { endpointName: method })(next);
  return options.logger === undefined ? measured : logged(options.logger, method, measured);
}
