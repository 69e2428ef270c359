/**
 * The InfluxDB backend for @kit/metrics: line protocol, batched and written on an interval.
 *
 * @packageDocumentation
 */
export {};
