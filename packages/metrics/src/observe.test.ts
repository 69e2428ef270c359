import { background, Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { memory } from "./memory.ts";
import { observe, type Logger } from "./observe.ts";

/** A logger that keeps every record. */
function recorder(): Logger & { records: unknown[][] } {
  const records: unknown[][] = [];
  return { records, log: (...keyvals: unknown[]) => void records.push(keyvals) };
}

const sum = (_ctx: unknown, { a, b }: { a: number; b: number }): Promise<number> =>
  a < 0 ? Promise.reject(new KitError(Code.InvalidArgument, "a: expected at least 0")) : Promise.resolve(a + b);

describe("observe", () => {
  it("logs each call's method, error and duration", async () => {
    const logger = recorder();
    const observed = observe({ logger }, "sum", sum);
    await expect(observed(background(), { a: 1, b: 2 })).resolves.toBe(3);
    await expect(observed(background(), { a: -1, b: 2 })).rejects.toThrow("a: expected at least 0");
    expect(logger.records.map((r) => r.slice(0, 5))).toEqual([
      ["method", "sum", "err", null, "took_ms"],
      ["method", "sum", "err", new KitError(Code.InvalidArgument, "a: expected at least 0"), "took_ms"],
    ]);
    for (const record of logger.records) expect(record[5]).toBeGreaterThanOrEqual(0);
  });

  it("logs an endpoint that throws synchronously, and rejects the call with what it threw", async () => {
    const logger = recorder();
    const bug = new TypeError("no request");
    const observed = observe({ logger }, "sum", (): Promise<number> => {
      throw bug;
    });
    const call = observed(background(), { a: 1, b: 2 });
    await expect(call).rejects.toBe(bug);
    expect(logger.records.map((r) => r.slice(0, 4))).toEqual([["method", "sum", "err", bug]]);
  });

  it("records metrics labelled with the method", async () => {
    const metrics = memory();
    const observed = observe({ metrics }, "sum", sum);
    await observed(background(), { a: 1, b: 2 });
    await observed(background(), { a: -1, b: 2 }).catch(() => undefined);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
  });

  it("logs outermost: the log record is written after the metrics are recorded", async () => {
    const metrics = memory();
    const seen: unknown[] = [];
    const logger: Logger = { log: () => void seen.push(metrics.value("requests_total", { endpoint: "sum", code: "ok" })) };
    await observe({ logger, metrics }, "sum", sum)(background(), { a: 1, b: 1 });
    expect(seen).toEqual([1]);
  });

  it("gives back the endpoint itself with neither a logger nor metrics", () => {
    expect(observe({}, "sum", sum)).toBe(sum);
  });
});
