/**
 * The InfluxDB backend for `@kit/metrics`, Go kit's `metrics/influx`: {@link influx} returns a
 * `Provider` that keeps metrics in memory and writes them as line protocol on an interval, by
 * HTTP to InfluxDB's write API (v2 or v1) or by UDP.
 *
 * @packageDocumentation
 */
export type { InfluxCommonOptions, InfluxOptions, InfluxUdpOptions, InfluxV1Options, InfluxV2Options } from "./options.ts";
export { influx, type InfluxProvider } from "./influx.ts";
