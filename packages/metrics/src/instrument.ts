import { type Endpoint, toKitError } from "@kit/endpoint";
import { called } from "./internal/called.ts";
import type { CounterSeries, Counter, Gauge, Histogram, HistogramSeries } from "./metric.ts";
import type { Provider } from "./provider.ts";

/** The three metrics {@link instrument} records, for callers that declare them themselves. */
export interface EndpointMetrics {
  /** Requests finished, by endpoint and outcome code (`"ok"` or a `KitError` code). */
  readonly requests: Counter<"endpoint" | "code">;
  /** Request duration in seconds, by endpoint and outcome code. */
  readonly duration: Histogram<"endpoint" | "code">;
  /** Requests running now, by endpoint. */
  readonly inFlight: Gauge<"endpoint">;
}

/** Options for {@link instrument}. */
export interface InstrumentOptions {
  /** The `endpoint` label's value, such as `"sum"`. */
  readonly endpointName: string;
  /**
   * With a provider: a prefix for the metric names, joined with `_` (`"addsvc"` gives
   * `addsvc_requests_total`). Default: none.
   */
  readonly namespace?: string;
  /** With a provider: the duration histogram's buckets, in seconds. Default: the provider's. */
  readonly buckets?: readonly number[];
}

/**
 * Endpoint middleware that records, for one endpoint, Go kit's `InstrumentingMiddleware`
 * metrics:
 *
 * - `requests_total{endpoint, code}`: a counter per finished request, `code` being `"ok"` or
 *   the `KitError` code of what the endpoint threw (through `toKitError`, so an unknown error
 *   is `"unknown"` and an `AbortError` `"canceled"`);
 * - `request_duration_seconds{endpoint, code}`: a histogram of durations;
 * - `requests_in_flight{endpoint}`: a gauge, up by 1 when a request starts and down by 1 when
 *   it ends, thrown or not.
 *
 * Given a {@link Provider}, it declares these (prefixed by `namespace`); since the provider
 * returns the same metric for the same declaration, one provider serves every endpoint. Given
 * {@link EndpointMetrics}, it records on those. What the endpoint throws is rethrown unchanged.
 * The series are bound once per endpoint and outcome code, so a request allocates nothing
 * for metrics.
 *
 * @example
 * ```ts
 * const sum = instrument(metrics, { endpointName: "sum", namespace: "addsvc" })(sumEndpoint);
 * ```
 */
export function instrument(
  metrics: Provider | EndpointMetrics,
  options: InstrumentOptions,
): <Req, Res>(next: Endpoint<Req, Res>) => Endpoint<Req, Res> {
  const { requests, duration, inFlight } = isProvider(metrics) ? declare(metrics, options) : metrics;
  const endpoint = options.endpointName;
  const running = inFlight.with({ endpoint });
  type Bound = readonly [CounterSeries, HistogramSeries];
  const byCode = new Map<string, Bound>();
  const bound = (code: string): Bound => {
    let found = byCode.get(code);
    if (found === undefined) {
      found = [requests.with({ endpoint, code }), duration.with({ endpoint, code })];
      byCode.set(code, found);
    }
    return found;
  };
  const [okRequests, okDuration] = bound("ok");
  const finish = (counted: CounterSeries, timed: HistogramSeries, start: number): void => {
    counted.add(1);
    timed.observe((performance.now() - start) / 1000);
    running.add(-1);
  };
  const failed = (start: number, err: unknown): never => {
    const [counted, timed] = bound(toKitError(err).code);
    finish(counted, timed, start);
    throw err;
  };

  // Not an async function: see `called`.
  return <Req, Res>(next: Endpoint<Req, Res>): Endpoint<Req, Res> =>
    (ctx, request) => {
      running.add(1);
      const start = performance.now();
      return called(next, ctx, request).then(
        (response) => {
          finish(okRequests, okDuration, start);
          return response;
        },
        (err: unknown) => failed(start, err),
      );
    };
}

function isProvider(metrics: Provider | EndpointMetrics): metrics is Provider {
  return typeof (metrics as Partial<Provider>).counter === "function";
}

function declare(provider: Provider, options: InstrumentOptions): EndpointMetrics {
  const prefix = options.namespace === undefined || options.namespace === "" ? "" : `${options.namespace}_`;
  const code = ["endpoint", "code"] as const;
  return {
    requests: provider.counter({ name: `${prefix}requests_total`, help: "Requests finished, by endpoint and outcome code.", labels: code }),
    duration: provider.histogram({
      name: `${prefix}request_duration_seconds`,
      help: "Request duration in seconds, by endpoint and outcome code.",
      labels: code,
      ...(options.buckets === undefined ? {} : { buckets: options.buckets }),
    }),
    inFlight: provider.gauge({ name: `${prefix}requests_in_flight`, help: "Requests running now, by endpoint.", labels: ["endpoint"] }),
  };
}
