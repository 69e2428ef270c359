/**
 * StatsD, DogStatsD and InfluxStatsD backends for `@kit/metrics`, Go kit's `metrics/statsd`,
 * `dogstatsd` and `influxstatsd`: {@link statsd} returns a `Provider` that buffers metrics
 * and sends them over UDP (`node:dgram`) on an interval, with sample rates.
 *
 * @packageDocumentation
 */
export type { Flavour, StatsdOptions } from "./options.ts";
export { statsd, type StatsdProvider } from "./statsd.ts";
