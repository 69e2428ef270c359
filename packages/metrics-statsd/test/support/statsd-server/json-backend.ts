// A backend for Etsy's statsd server that prints each flush as one JSON line on stdout, so the
// integration test reads what the real server parsed out of Kit's datagrams. statsd loads
// backends with require(), which takes this ES module on Node 22.12+.
import type { EventEmitter } from "node:events";

interface Aggregated {
  readonly counters: Record<string, number>;
  readonly gauges: Record<string, number>;
  readonly timers: Record<string, number[]>;
}

/** statsd's backend entry point: subscribes to its flushes. */
export function init(_startup: number, _config: unknown, events: EventEmitter): boolean {
  events.on("flush", (timestamp: number, metrics: Aggregated) => {
    const { counters, gauges, timers } = metrics;
    process.stdout.write(`${JSON.stringify({ timestamp, counters, gauges, timers })}\n`);
  });
  return true;
}
