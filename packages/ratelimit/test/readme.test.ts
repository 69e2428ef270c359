// The README's first example, line for line, with its results asserted.
import { background, Code, type Endpoint, isKitError, withTimeout } from "@kit/endpoint";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { delayingLimiter, erroringLimiter, tokenBucket } from "../src/index.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("README example", () => {
  it("refuses past the burst, and delays within the deadline", async () => {
    const sum: Endpoint<{ a: number; b: number }, number> = (_ctx, { a, b }) => Promise.resolve(a + b);
    const strict = erroringLimiter<{ a: number; b: number }, number>(tokenBucket({ rate: 1, burst: 2 }))(sum);
    expect(await strict(background(), { a: 1, b: 2 })).toBe(3);
    expect(await strict(background(), { a: 1, b: 2 })).toBe(3);
    expect(await strict(background(), { a: 1, b: 2 }).catch((e: unknown) => isKitError(e) && e.code)).toBe(Code.ResourceExhausted);

    const smooth = delayingLimiter<{ a: number; b: number }, number>(tokenBucket({ rate: 10, burst: 1 }))(sum);
    const [ctx, cancel] = withTimeout(background(), 1_000);
    expect(await smooth(ctx, { a: 1, b: 2 })).toBe(3);
    const start = Date.now();
    const second = smooth(ctx, { a: 2, b: 3 });
    await vi.advanceTimersByTimeAsync(100);
    expect(await second).toBe(5);
    expect(Date.now() - start).toBe(100);
    cancel();
  });
});
