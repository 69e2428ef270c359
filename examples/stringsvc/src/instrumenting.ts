// Go kit's instrumentingMiddleware, with its metric names: my_group_string_service_request_count,
// my_group_string_service_request_latency_microseconds and my_group_string_service_count_result.
import type { Counter, Histogram, Provider } from "@kit/metrics";
import type { ServiceMiddleware } from "./service.ts";

/** The three metrics of stringsvc2, Go kit's `requestCount`, `requestLatency`, `countResult`. */
export interface StringMetrics {
  /** Requests by `method` and `error` (`"true"`/`"false"`). */
  readonly requestCount: Counter<"method" | "error">;
  /** Seconds per request by `method` and `error` (Go kit's name says microseconds; it observes seconds). */
  readonly requestLatency: Histogram<"method" | "error">;
  /** The result of each count call. */
  readonly countResult: Histogram;
}

/**
 * Declares the metrics on `metrics` with Go kit's names and help texts (namespace `my_group`,
 * subsystem `string_service`). Go kit makes the latency and count results Prometheus summaries;
 * `@kit/metrics` has histograms, whose `_sum` and `_count` series are the same.
 *
 * @example
 * ```ts
 * const m = stringMetrics(prometheus());
 * ```
 */
export function stringMetrics(metrics: Provider): StringMetrics {
  const labels = ["method", "error"] as const;
  return {
    requestCount: metrics.counter({ name: "my_group_string_service_request_count", help: "Number of requests received.", labels }),
    requestLatency: metrics.histogram({
      name: "my_group_string_service_request_latency_microseconds",
      help: "Total duration of requests in microseconds.",
      labels,
    }),
    countResult: metrics.histogram({
      name: "my_group_string_service_count_result",
      help: "The result of each count method.",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    }),
  };
}

/**
 * Records every call, Go kit's `instrumentingMiddleware`: `request_count` and
 * `request_latency_microseconds` (in seconds, as Go kit) labelled `method` and `error`
 * (`fmt.Sprint(err != nil)`), and each count's result in `count_result`.
 *
 * @example
 * ```ts
 * const svc = instrumentingMiddleware(stringMetrics(prometheus()))(stringService());
 * ```
 */
export function instrumentingMiddleware(m: StringMetrics): ServiceMiddleware {
  const record = (method: string, failed: boolean, begin: number): void => {
    const labels = { method, error: String(failed) };
    m.requestCount.with(labels).add(1);
    m.requestLatency.with(labels).observe((performance.now() - begin) / 1000);
  };
  return (next) => ({
    async uppercase(ctx, s) {
      const begin = performance.now();
      let failed = true;
      try {
        const output = await next.uppercase(ctx, s);
        failed = false;
        return output;
      } finally {
        record("uppercase", failed, begin);
      }
    },
    async count(ctx, s) {
      const begin = performance.now();
      const n = await next.count(ctx, s);
      record("count", false, begin);
      m.countResult.observe(n);
      return n;
    },
  });
}
