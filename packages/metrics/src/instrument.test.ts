import { background, chain, Code, type Endpoint, KitError } from "@kit/endpoint";
import { afterEach, describe, expect, it, vi } from "vitest";
import { instrument } from "./instrument.ts";
import { memory } from "./memory.ts";

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

describe("instrument", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts requests by endpoint and outcome code", async () => {
    const metrics = memory();
    const sum = instrument(metrics, { endpointName: "sum" })<{ a: number; b: number }, number>(async (_ctx, { a, b }) => {
      if (a === 0 && b === 0) throw new KitError(Code.InvalidArgument, "can't sum two zeroes");
      if (a < 0) throw new Error("boom");
      return Promise.resolve(a + b);
    });
    await expect(sum(background(), { a: 1, b: 2 })).resolves.toBe(3);
    await expect(sum(background(), { a: 2, b: 2 })).resolves.toBe(4);
    await expect(sum(background(), { a: 0, b: 0 })).rejects.toThrow("can't sum two zeroes");
    await expect(sum(background(), { a: -1, b: 0 })).rejects.toThrow("boom");
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(2);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "unknown" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "not_found" })).toBeUndefined();
  });

  it("rethrows exactly what the endpoint threw", async () => {
    const thrown = new Error("boom");
    const failing = instrument(memory(), { endpointName: "e" })(() => Promise.reject(thrown));
    await expect(failing(background(), undefined)).rejects.toBe(thrown);
  });

  it("records the duration in seconds under the outcome code", async () => {
    vi.useFakeTimers();
    const metrics = memory();
    const slow = instrument(metrics, { endpointName: "slow", buckets: [0.1, 0.5] })(async () => {
      await sleep(250);
      return "done";
    });
    const pending = slow(background(), undefined);
    await vi.advanceTimersByTimeAsync(250);
    await expect(pending).resolves.toBe("done");
    expect(metrics.histogramValue("request_duration_seconds", { endpoint: "slow", code: "ok" })).toEqual({
      count: 1,
      sum: 0.25,
      buckets: [
        { le: 0.1, count: 0 },
        { le: 0.5, count: 1 },
        { le: Infinity, count: 1 },
      ],
    });
  });

  it("counts requests in flight and takes one off when the endpoint throws", async () => {
    const metrics = memory();
    let release = (): void => undefined;
    let fail: (err: unknown) => void = () => undefined;
    const gate = instrument(metrics, { endpointName: "gate" })(
      () =>
        new Promise<string>((resolve, reject) => {
          release = () => {
            resolve("ok");
          };
          fail = reject;
        }),
    );
    const inFlight = (): number | undefined => metrics.value("requests_in_flight", { endpoint: "gate" });
    const first = gate(background(), undefined);
    const firstRelease = release;
    const second = gate(background(), undefined);
    expect(inFlight()).toBe(2);
    firstRelease();
    await first;
    expect(inFlight()).toBe(1);
    fail(new KitError(Code.Unavailable, "down"));
    await expect(second).rejects.toThrow("down");
    expect(inFlight()).toBe(0);
    expect(metrics.value("requests_total", { endpoint: "gate", code: "unavailable" })).toBe(1);
  });

  it("counts an endpoint that throws synchronously, as canceled for an AbortError", async () => {
    const metrics = memory();
    const aborting = instrument(metrics, { endpointName: "abort" })((): Promise<never> => {
      throw new DOMException("stop", "AbortError");
    });
    await expect(aborting(background(), undefined)).rejects.toThrow("stop");
    expect(metrics.value("requests_total", { endpoint: "abort", code: "canceled" })).toBe(1);
    expect(metrics.value("requests_in_flight", { endpoint: "abort" })).toBe(0);
  });

  it("shares one provider across endpoints and prefixes names with the namespace", async () => {
    const metrics = memory();
    const ok: Endpoint<unknown, string> = () => Promise.resolve("ok");
    const sum = instrument(metrics, { endpointName: "sum", namespace: "addsvc" })(ok);
    const concat = chain(instrument(metrics, { endpointName: "concat", namespace: "addsvc" }))(ok);
    await sum(background(), undefined);
    await concat(background(), undefined);
    await concat(background(), undefined);
    expect(metrics.value("addsvc_requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("addsvc_requests_total", { endpoint: "concat", code: "ok" })).toBe(2);
    expect(metrics.histogramValue("addsvc_request_duration_seconds", { endpoint: "concat", code: "ok" })?.count).toBe(2);
    expect(() => metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toThrow(/no metric named/);
  });

  it("records on metrics the caller declared", async () => {
    const metrics = memory();
    const own = {
      requests: metrics.counter({ name: "calls", help: "C.", labels: ["endpoint", "code"] }),
      duration: metrics.histogram({ name: "call_seconds", help: "S.", labels: ["endpoint", "code"] }),
      inFlight: metrics.gauge({ name: "calls_running", help: "R.", labels: ["endpoint"] }),
    };
    await instrument(own, { endpointName: "sum" })(() => Promise.resolve(1))(background(), undefined);
    expect(metrics.value("calls", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.histogramValue("call_seconds", { endpoint: "sum", code: "ok" })?.count).toBe(1);
    expect(metrics.value("calls_running", { endpoint: "sum" })).toBe(0);
  });
});
