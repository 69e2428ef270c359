// The @kit/metrics endpoint middleware recording onto a statsd provider, read back off the wire.
import { background, KitError } from "@kit/endpoint";
import { instrument } from "@kit/metrics";
import { afterEach, describe, expect, it } from "vitest";
import { receiver, type Receiver } from "./support/receiver.ts";
import { statsd } from "../src/statsd.ts";

let udp: Receiver | undefined;
afterEach(async () => {
  await udp?.close();
  udp = undefined;
});

describe("instrument onto statsd", () => {
  it("sends requests, durations and in-flight per endpoint and code", async () => {
    udp = await receiver();
    const metrics = statsd({ flavour: "dogstatsd", port: udp.port, prefix: "addsvc.", flushInterval: 0 });
    const sum = instrument(metrics, { endpointName: "sum" })((_ctx, req: { a: number; b: number }) => {
      if (req.a < 0) return Promise.reject(new KitError("invalid_argument", "negative"));
      return Promise.resolve(req.a + req.b);
    });
    expect(await sum(background(), { a: 1, b: 2 })).toBe(3);
    expect(await sum(background(), { a: 2, b: 2 })).toBe(4);
    await expect(sum(background(), { a: -1, b: 2 })).rejects.toThrow("negative");
    await metrics.stop();

    const lines = (await udp.waitFor(1)).flatMap((d) => d.split("\n"));
    const durations = lines.filter((l) => l.startsWith("addsvc.request_duration_seconds:"));
    expect(lines.filter((l) => !durations.includes(l))).toEqual([
      "addsvc.requests_in_flight:0|g|#endpoint:sum",
      "addsvc.requests_total:2|c|#endpoint:sum,code:ok",
      "addsvc.requests_total:1|c|#endpoint:sum,code:invalid_argument",
    ]);
    expect(durations).toHaveLength(3);
    for (const line of durations) {
      expect(line).toMatch(/^addsvc\.request_duration_seconds:[0-9.e-]+\|h\|#endpoint:sum,code:(ok|invalid_argument)$/);
    }
    expect(durations.filter((l) => l.endsWith("code:ok"))).toHaveLength(2);
  });
});
