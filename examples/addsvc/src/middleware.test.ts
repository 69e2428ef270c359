import { background, Code, KitError, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { memory } from "@kit/metrics";
import { instrumentingMiddleware, loggingMiddleware } from "./middleware.ts";

const ctx = background();
const ok: Endpoint<number, number> = (_ctx, n) => Promise.resolve(n * 2);
const boom = new KitError(Code.Unavailable, "rate limit exceeded");
const failing: Endpoint<number, number> = () => Promise.reject(boom);
const slow: Endpoint<number, number> = (_ctx, n) =>
  new Promise((resolve) => {
    setTimeout(() => { resolve(n); }, 30);
  });

function recorder(): { lines: unknown[][]; log(...keyvals: unknown[]): void } {
  const lines: unknown[][] = [];
  return { lines, log: (...keyvals) => { lines.push(keyvals); } };
}

describe("loggingMiddleware", () => {
  it("logs transport_error and took once per successful call, with no error", async () => {
    const logger = recorder();
    expect(await loggingMiddleware<number, number>(logger)(ok)(ctx, 21)).toBe(42);
    expect(logger.lines).toHaveLength(1);
    const [line] = logger.lines;
    expect(line).toEqual(["transport_error", undefined, "took", expect.stringMatching(/^\d+(\.\d+)?(ns|µs|ms|s)$/)]);
  });

  it("logs the thrown error as transport_error and throws it on unchanged", async () => {
    const logger = recorder();
    await expect(loggingMiddleware<number, number>(logger)(failing)(ctx, 1)).rejects.toBe(boom);
    expect(logger.lines).toEqual([["transport_error", boom, "took", expect.any(String)]]);
  });

  it("writes took as a Go duration that covers the call", async () => {
    const logger = recorder();
    await loggingMiddleware<number, number>(logger)(slow)(ctx, 1);
    const took = String(logger.lines[0]?.[3]);
    expect(took).toMatch(/^\d+(\.\d+)?ms$/);
    expect(Number.parseFloat(took)).toBeGreaterThanOrEqual(25);
  });
});

describe("instrumentingMiddleware", () => {
  interface Res { readonly v: number; readonly err?: KitError }
  const twoZeroes = new KitError(Code.InvalidArgument, "can't sum two zeroes");
  const answers: Endpoint<number, Res> = (_ctx, n) => Promise.resolve({ v: n * 2 });
  const carries: Endpoint<number, Res> = () => Promise.resolve({ v: 0, err: twoZeroes });
  const throws: Endpoint<number, Res> = () => Promise.reject(boom);

  it("counts each call by endpoint and code \"ok\", with its duration, and leaves nothing in flight", async () => {
    const metrics = memory();
    const measured = instrumentingMiddleware<number, Res>(metrics, "sum")(answers);
    expect(await measured(ctx, 1)).toEqual({ v: 2 });
    await measured(ctx, 2);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(2);
    expect(metrics.histogramValue("request_duration_seconds", { endpoint: "sum", code: "ok" })?.count).toBe(2);
    expect(metrics.value("requests_in_flight", { endpoint: "sum" })).toBe(0);
  });

  it("labels a business error carried in the response with its code, and returns that response unchanged", async () => {
    const metrics = memory();
    const measured = instrumentingMiddleware<number, Res>(metrics, "sum")(carries);
    const res = await measured(ctx, 0);
    expect(res).toEqual({ v: 0, err: twoZeroes });
    expect(res.err).toBe(twoZeroes);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(0);
    expect(metrics.value("requests_in_flight", { endpoint: "sum" })).toBe(0);
  });

  it("labels a call that threw with the error's code and throws it on unchanged", async () => {
    const metrics = memory();
    await expect(instrumentingMiddleware<number, Res>(metrics, "concat")(throws)(ctx, 1)).rejects.toBe(boom);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "unavailable" })).toBe(1);
    expect(metrics.value("requests_in_flight", { endpoint: "concat" })).toBe(0);
  });

  it("keeps concurrent calls apart: each gets its own response back", async () => {
    const metrics = memory();
    const echo: Endpoint<number, Res> = (_ctx, n) =>
      new Promise((resolve) => setTimeout(() => { resolve(n === 0 ? { v: 0, err: twoZeroes } : { v: n }); }, 10 - n));
    const measured = instrumentingMiddleware<number, Res>(metrics, "sum")(echo);
    const results = await Promise.all([0, 1, 2, 0, 3].map((n) => measured(ctx, n)));
    expect(results.map((r) => r.v)).toEqual([0, 1, 2, 0, 3]);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(2);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(3);
  });

  it("shows a call in flight while it runs, and observes its duration in seconds", async () => {
    const metrics = memory();
    const slowRes: Endpoint<number, Res> = (_ctx, n) => new Promise((resolve) => setTimeout(() => { resolve({ v: n }); }, 30));
    const call = instrumentingMiddleware<number, Res>(metrics, "sum")(slowRes)(ctx, 1);
    expect(metrics.value("requests_in_flight", { endpoint: "sum" })).toBe(1);
    await call;
    expect(metrics.value("requests_in_flight", { endpoint: "sum" })).toBe(0);
    const seconds = metrics.histogramValue("request_duration_seconds", { endpoint: "sum", code: "ok" })?.sum ?? 0;
    expect(seconds).toBeGreaterThanOrEqual(0.025);
    expect(seconds).toBeLessThan(5);
  });
});
