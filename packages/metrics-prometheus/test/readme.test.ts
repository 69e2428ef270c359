// The README's example, line for line (listening on port 0), with a scrape over HTTP asserted.
import { background } from "@kit/endpoint";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { instrument } from "@kit/metrics";
import { afterEach, describe, expect, it } from "vitest";
import { parse, valueOf } from "./support/exposition.ts";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { metricsHandler, prometheus } from "../src/index.ts";

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s !== undefined) await new Promise<void>((resolve) => s.close(() => { resolve(); }));
});

describe("README example", () => {
  it("serves the job counter and the instrumented endpoint", async () => {
    const metrics = prometheus({ prefix: "addsvc_" }); // a prom-client Registry of its own
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
    jobs.with({ queue: "mail" }).add(1); // bind once with `with`, record many times

    const sum = instrument(metrics, { endpointName: "sum" })(
      (_ctx, req: { a: number; b: number }) => Promise.resolve(req.a + req.b),
    );

    server = createServer(metricsHandler(metrics.registry)).listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server?.once("listening", resolve));

    expect(await sum(background(), { a: 1, b: 2 })).toBe(3);
    const res = await fetch(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}/metrics`);
    expect(res.status).toBe(200);
    const text = parse(await res.text());
    expect(valueOf(text, "addsvc_jobs_total", { queue: "mail" })).toBe(1);
    expect(valueOf(text, "addsvc_requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(valueOf(text, "addsvc_request_duration_seconds_count", { endpoint: "sum", code: "ok" })).toBe(1);
  });
});
