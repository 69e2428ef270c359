/**
 * The OpenTelemetry metrics backend for @kit/metrics.
 *
 * @packageDocumentation
 */
export {};
