// @kit/metrics' endpoint middleware recording onto the Prometheus provider, read back from a scrape.
import { background, Code, KitError } from "@kit/endpoint";
import { instrument } from "@kit/metrics";
import { describe, expect, it } from "vitest";
import { parse, valueOf } from "./support/exposition.ts";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- test the package's entry
import { prometheus } from "../src/index.ts";

describe("instrument on the Prometheus provider", () => {
  it("records requests, durations and in-flight requests per endpoint and code", async () => {
    const metrics = prometheus();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sum = instrument(metrics, { endpointName: "sum", namespace: "addsvc", buckets: [0.5, 60] })(
      async (_ctx, req: { a: number; b: number; wait?: boolean }) => {
        if (req.wait === true) await held;
        if (req.a < 0) throw new KitError(Code.InvalidArgument, "negative");
        return req.a + req.b;
      },
    );
    const concat = instrument(metrics, { endpointName: "concat", namespace: "addsvc", buckets: [0.5, 60] })(
      (_ctx, req: { a: string; b: string }) => Promise.resolve(req.a + req.b),
    );

    expect(await sum(background(), { a: 1, b: 2 })).toBe(3);
    expect(await sum(background(), { a: 2, b: 2 })).toBe(4);
    await expect(sum(background(), { a: -1, b: 2 })).rejects.toThrow("negative");
    expect(await concat(background(), { a: "a", b: "b" })).toBe("ab");
    const pending = sum(background(), { a: 5, b: 5, wait: true });

    let text = parse(await metrics.registry.metrics());
    expect(valueOf(text, "addsvc_requests_in_flight", { endpoint: "sum" })).toBe(1);
    release();
    await pending;

    text = parse(await metrics.registry.metrics());
    expect(text.type.get("addsvc_requests_total")).toBe("counter");
    expect(valueOf(text, "addsvc_requests_total", { endpoint: "sum", code: "ok" })).toBe(3);
    expect(valueOf(text, "addsvc_requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(valueOf(text, "addsvc_requests_total", { endpoint: "concat", code: "ok" })).toBe(1);
    expect(valueOf(text, "addsvc_requests_in_flight", { endpoint: "sum" })).toBe(0);
    expect(valueOf(text, "addsvc_requests_in_flight", { endpoint: "concat" })).toBe(0);
    expect(valueOf(text, "addsvc_request_duration_seconds_count", { endpoint: "sum", code: "ok" })).toBe(3);
    expect(valueOf(text, "addsvc_request_duration_seconds_bucket", { endpoint: "sum", code: "ok", le: "60" })).toBe(3);
    expect(valueOf(text, "addsvc_request_duration_seconds_count", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(valueOf(text, "addsvc_request_duration_seconds_sum", { endpoint: "sum", code: "ok" })).toBeGreaterThan(0);
  });
});
