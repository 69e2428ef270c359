import { background, Code, KitError, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { instrumentingMiddleware, loggingMiddleware, type DurationLabels } from "./middleware.ts";

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

function histogram(): { seen: [number, DurationLabels][]; observe(seconds: number, labels: DurationLabels): void } {
  const seen: [number, DurationLabels][] = [];
  return { seen, observe: (seconds, labels) => { seen.push([seconds, labels]); } };
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
  it("observes one duration per successful call, labelled with the method and success \"true\"", async () => {
    const duration = histogram();
    const timed = instrumentingMiddleware<number, number>(duration, "Sum")(ok);
    await timed(ctx, 1);
    await timed(ctx, 2);
    expect(duration.seen).toEqual([
      [expect.any(Number), { method: "Sum", success: "true" }],
      [expect.any(Number), { method: "Sum", success: "true" }],
    ]);
  });

  it("labels a call that threw success \"false\" and throws the error on", async () => {
    const duration = histogram();
    await expect(instrumentingMiddleware<number, number>(duration, "Concat")(failing)(ctx, 1)).rejects.toBe(boom);
    expect(duration.seen).toEqual([[expect.any(Number), { method: "Concat", success: "false" }]]);
  });

  it("observes the duration in seconds", async () => {
    const duration = histogram();
    await instrumentingMiddleware<number, number>(duration, "Sum")(slow)(ctx, 1);
    const seconds = duration.seen[0]?.[0] ?? 0;
    expect(seconds).toBeGreaterThanOrEqual(0.025);
    expect(seconds).toBeLessThan(5);
  });
});
