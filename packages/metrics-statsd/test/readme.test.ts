// The README's example, line for line (to a receiver on port 0, sampling injected), with the datagram asserted.
import { background } from "@kit/endpoint";
import { instrument } from "@kit/metrics";
import { afterEach, describe, expect, it } from "vitest";
import { receiver, type Receiver } from "./support/receiver.ts";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { statsd } from "../src/index.ts";

let udp: Receiver | undefined;
afterEach(async () => {
  await udp?.close();
  udp = undefined;
});

describe("README example", () => {
  it("sends the job counter and the instrumented endpoint's metrics", async () => {
    udp = await receiver();
    const port = udp.port;
    const metrics = statsd({ flavour: "dogstatsd", prefix: "addsvc.", sampleRate: 0.5, port, random: () => 0 });
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue"] });
    jobs.with({ queue: "mail" }).add(1); // bind once with `with`, record many times

    const sum = instrument(metrics, { endpointName: "sum" })(
      (_ctx, req: { a: number; b: number }) => Promise.resolve(req.a + req.b),
    );

    expect(await sum(background(), { a: 1, b: 2 })).toBe(3);
    await metrics.stop(); // flushes, then closes the socket

    const lines = (await udp.waitFor(1)).flatMap((d) => d.split("\n"));
    expect(lines).toContain("addsvc.jobs_total:1|c|@0.5|#queue:mail");
    expect(lines).toContain("addsvc.requests_total:1|c|@0.5|#endpoint:sum,code:ok");
    expect(lines).toContain("addsvc.requests_in_flight:0|g|#endpoint:sum");
    expect(lines.some((l) => /^addsvc\.request_duration_seconds:[0-9.e-]+\|h\|@0\.5\|#endpoint:sum,code:ok$/.test(l))).toBe(true);
  });
});
