// Go kit's logging and instrumenting services of booking, handling and tracking, written once:
// each wraps every method of a service, named by a table of Go kit's method labels.
import type { Counter, Histogram, Provider } from "@kit/metrics";
import type { Logger } from "@kit/log";

/** Per method of a service: Go kit's label (`book`, `load`…) and the names its arguments are logged under. */
export type MethodTable<S> = { readonly [K in keyof S]: { readonly label: string; readonly args: readonly string[] } };

type Around = (label: string, keyvals: unknown[], call: () => Promise<unknown>) => Promise<unknown>;

/** `svc` with every method in `table` run through `around`; the first argument (the context) is not logged. */
function decorate<S extends object>(svc: S, table: MethodTable<S>, around: Around): S {
  const out: Record<string, unknown> = {};
  for (const method of Object.keys(table) as (keyof S & string)[]) {
    const { label, args } = table[method];
    const fn = Reflect.get(svc, method) as (...a: unknown[]) => Promise<unknown>;
    out[method] = (ctx: unknown, ...rest: unknown[]) =>
      around(label, args.flatMap((name, i) => [name, rest[i]]), () => Reflect.apply(fn, svc, [ctx, ...rest]));
  }
  return out as S;
}

/**
 * Logs every call, Go kit's `NewLoggingService`:
 * `method=book origin=SESTO destination=CNHKG arrival_deadline=… took=0.081ms err=null`.
 *
 * @example
 * ```ts
 * const bs = loggingMiddleware(log.with(logger, "component", "booking"), bookingMethods)(bookingService(…));
 * ```
 */
export function loggingMiddleware<S extends object>(logger: Logger, table: MethodTable<S>): (svc: S) => S {
  return (svc) =>
    decorate(svc, table, async (label, keyvals, call) => {
      const begin = performance.now();
      let err: unknown = null;
      try {
        return await call();
      } catch (e) {
        err = e;
        throw e;
      } finally {
        logger.log("method", label, ...keyvals, "took", `${(performance.now() - begin).toFixed(3)}ms`, "err", err);
      }
    });
}

/** The two metrics of a service, Go kit's `requestCount` and `requestLatency`. */
export interface ServiceMetrics {
  /** Requests by `method`. */
  readonly requestCount: Counter<"method">;
  /** Seconds per request by `method` (Go kit's name says microseconds; it observes seconds). */
  readonly requestLatency: Histogram<"method">;
}

/**
 * Declares Go kit's metrics of one service: `api_<subsystem>_request_count` and
 * `api_<subsystem>_request_latency_microseconds`, labelled `method` (Go kit's latency is a
 * summary; `@kit/metrics` has histograms).
 */
export function serviceMetrics(metrics: Provider, subsystem: "booking_service" | "tracking_service" | "handling_service"): ServiceMetrics {
  return {
    requestCount: metrics.counter({ name: `api_${subsystem}_request_count`, help: "Number of requests received.", labels: ["method"] }),
    requestLatency: metrics.histogram({
      name: `api_${subsystem}_request_latency_microseconds`,
      help: "Total duration of requests in microseconds.",
      labels: ["method"],
    }),
  };
}

/**
 * Counts and times every call, Go kit's `NewInstrumentingService`, failed ones too.
 *
 * @example
 * ```ts
 * const bs = instrumentingMiddleware(serviceMetrics(metrics, "booking_service"), bookingMethods)(bookingService(…));
 * ```
 */
export function instrumentingMiddleware<S extends object>(m: ServiceMetrics, table: MethodTable<S>): (svc: S) => S {
  return (svc) =>
    decorate(svc, table, async (label, _keyvals, call) => {
      const begin = performance.now();
      try {
        return await call();
      } finally {
        m.requestCount.with({ method: label }).add(1);
        m.requestLatency.with({ method: label }).observe((performance.now() - begin) / 1000);
      }
    });
}
