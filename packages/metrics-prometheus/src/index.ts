/**
 * The Prometheus backend for `@kit/metrics`, on prom-client: {@link prometheus} returns a
 * `Provider` whose counters, gauges and histograms are prom-client metrics in a registry, and
 * {@link metricsHandler} serves that registry to Prometheus from any Node HTTP server.
 *
 * @packageDocumentation
 */
export { metricsHandler } from "./handler.ts";
export { prometheus, type PrometheusOptions, type PrometheusProvider } from "./prometheus.ts";
