/**
 * For backend authors: {@link FlushLoop}, which flushes a backend that pushes its series
 * (Graphite, StatsD, InfluxDB) on a timer, on demand and once more on stop.
 *
 * @packageDocumentation
 */
export { FlushLoop, type FlushLoopOptions } from "./push/flush-loop.ts";
