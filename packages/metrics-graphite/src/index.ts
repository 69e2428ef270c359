/**
 * The Graphite backend for `@kit/metrics`, Go kit's `metrics/graphite`: {@link graphite}
 * returns a `Provider` that keeps metrics in memory and writes them to Carbon's plaintext
 * protocol over TCP (`node:net`) on an interval, reconnecting when the server goes away.
 *
 * @packageDocumentation
 */
export type { GraphiteOptions } from "./options.ts";
export { graphite, type GraphiteProvider } from "./graphite.ts";
