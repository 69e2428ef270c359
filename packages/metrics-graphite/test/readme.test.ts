// The README's example, line for line (to a listener on port 0), with the lines Carbon received asserted.
import { afterEach, describe, expect, it } from "vitest";
import { type Carbon, carbon } from "./support/carbon.ts";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { graphite } from "../src/index.ts";

let server: Carbon | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("README example", () => {
  it("writes the counter, the gauge and the histogram's count and percentiles", async () => {
    server = await carbon();
    const port = server.port;
    const metrics = graphite({ port, prefix: "addsvc.", onError: (err) => { console.warn(err); } });
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
    jobs.with({ queue: "mail" }).add(1); // bind once with `with`, record many times
    metrics.gauge({ name: "workers", help: "Workers running." }).set(4);
    metrics.histogram({ name: "latency_seconds", help: "Latency." }).observe(0.25);

    await metrics.stop(); // flushes, then closes the connection

    const lines = (await server.waitFor(7)).map((l) => `${l.path} ${String(l.value)}`);
    expect(lines).toEqual([
      "addsvc.jobs_total.mail 1",
      "addsvc.workers 4",
      "addsvc.latency_seconds.count 1",
      "addsvc.latency_seconds.p50 0.25",
      "addsvc.latency_seconds.p90 0.25",
      "addsvc.latency_seconds.p95 0.25",
      "addsvc.latency_seconds.p99 0.25",
    ]);
  });
});
