import { afterEach, describe, expect, it, vi } from "vitest";
import { background, withCancel, withTimeout, type Context } from "./context.ts";
import { isKitError } from "./error.ts";
import { timeout } from "./timeout.ts";

afterEach(() => {
  vi.useRealTimers();
});

const codeOf = (err: unknown): string | undefined => (isKitError(err) ? err.code : undefined);

describe("timeout", () => {
  it("gives the endpoint a deadline at most ms away, and keeps an earlier one", async () => {
    vi.useFakeTimers({ now: 10_000 });
    const seen: (number | undefined)[] = [];
    const endpoint = timeout<null, null>(500)((ctx: Context) => {
      seen.push(ctx.deadline);
      return Promise.resolve(null);
    });
    await endpoint(background(), null);
    const [short, cancel] = withTimeout(background(), 100);
    await endpoint(short, null);
    cancel();
    expect(seen).toEqual([10_500, 10_100]);
  });

  it("fails with deadline_exceeded when the time is up, even if the endpoint never stops, and cancels its context", async () => {
    vi.useFakeTimers();
    let endpointCtx: Context | undefined;
    const endpoint = timeout<null, null>(200)((ctx) => {
      endpointCtx = ctx;
      return new Promise(() => undefined);
    });
    const call = endpoint(background(), null).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(199);
    expect(endpointCtx?.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(codeOf(await call)).toBe("deadline_exceeded");
    expect(endpointCtx?.signal.aborted).toBe(true);
  });

  it("fails with canceled when the caller cancels", async () => {
    const [ctx, cancel] = withCancel(background());
    const endpoint = timeout<null, null>(10_000)(() => new Promise(() => undefined));
    const call = endpoint(ctx, null).catch((e: unknown) => e);
    cancel();
    expect(codeOf(await call)).toBe("canceled");
  });

  it("passes results and errors through unchanged", async () => {
    const boom = new Error("boom");
    expect(await timeout<number, number>(1_000)((_ctx, n) => Promise.resolve(n * 2))(background(), 21)).toBe(42);
    await expect(timeout<null, null>(1_000)(() => Promise.reject(boom))(background(), null)).rejects.toBe(boom);
  });

  it("refuses a negative or missing duration", () => {
    expect(() => timeout(-1)).toThrow(RangeError);
    expect(() => timeout(Number.NaN)).toThrow(RangeError);
  });
});
