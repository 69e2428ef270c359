import { background, Code, withCancel, withTimeout } from "@kit/endpoint";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokenBucket } from "./token-bucket.ts";

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function count(allow: () => boolean, n: number): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (allow()) ok++;
  return ok;
}

describe("tokenBucket.allow", () => {
  it("lets exactly a burst through, then refills at exactly the rate", () => {
    const bucket = tokenBucket({ rate: 10, burst: 5 }); // one token per 100 ms
    expect(count(() => bucket.allow(), 20)).toBe(5);
    vi.advanceTimersByTime(99);
    expect(bucket.allow()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(bucket.allow()).toBe(true);
    expect(bucket.allow()).toBe(false);
    vi.advanceTimersByTime(1_000); // ten tokens
    expect(count(() => bucket.allow(), 20)).toBe(5); // capped at the burst
  });

  it("counts fractional refills without losing tokens to rounding", () => {
    const bucket = tokenBucket({ rate: 1, burst: 1 });
    expect(bucket.allow()).toBe(true);
    for (let i = 0; i < 10; i++) {
      expect(bucket.allow()).toBe(false);
      vi.advanceTimersByTime(100);
    }
    expect(bucket.allow()).toBe(true);
  });

  it("lets rate × seconds + burst through over time, and no more", () => {
    const bucket = tokenBucket({ rate: 50, burst: 10 });
    let ok = 0;
    for (let ms = 0; ms < 2_000; ms += 5) {
      ok += count(() => bucket.allow(), 3);
      vi.advanceTimersByTime(5);
    }
    expect(ok).toBe(10 + 50 * 2 - 1); // the last 5 ms of refill comes after the loop's last try
  });

  it("refuses bad options", () => {
    expect(() => tokenBucket({ rate: 0, burst: 1 })).toThrow(RangeError);
    expect(() => tokenBucket({ rate: Number.NaN, burst: 1 })).toThrow(RangeError);
    expect(() => tokenBucket({ rate: 1, burst: 0 })).toThrow(RangeError);
    expect(() => tokenBucket({ rate: 1, burst: 1.5 })).toThrow(RangeError);
  });
});

describe("tokenBucket.wait", () => {
  it("resolves at once while tokens last", async () => {
    const bucket = tokenBucket({ rate: 1, burst: 2 });
    await bucket.wait(background());
    await bucket.wait(background());
    expect(bucket.tokens()).toBe(0);
  });

  it("serves waiters in order, one per refill interval", async () => {
    const bucket = tokenBucket({ rate: 10, burst: 1 });
    const served: [number, number][] = [];
    const start = Date.now();
    const waits = [0, 1, 2, 3].map((i) => bucket.wait(background()).then(() => served.push([i, Date.now() - start])));
    await vi.advanceTimersByTimeAsync(300);
    await Promise.all(waits);
    expect(served).toEqual([[0, 0], [1, 100], [2, 200], [3, 300]]);
  });

  it("does not let allow() take a token promised to a waiter", async () => {
    const bucket = tokenBucket({ rate: 10, burst: 1 });
    expect(bucket.allow()).toBe(true);
    const waited = bucket.wait(background());
    await vi.advanceTimersByTimeAsync(100);
    await waited;
    expect(bucket.allow()).toBe(false);
  });

  it("rejects at once with deadline_exceeded when the token would come after the deadline", async () => {
    const bucket = tokenBucket({ rate: 1, burst: 1 });
    bucket.allow();
    const [ctx, cancel] = withTimeout(background(), 500); // the next token is 1000 ms away
    const started = Date.now();
    await expect(bucket.wait(ctx)).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now()).toBe(started); // no sleeping until the deadline
    expect(ctx.signal.aborted).toBe(false);
    cancel();
    // and the token it did not take is still there for the next caller
    vi.advanceTimersByTime(1_000);
    expect(bucket.allow()).toBe(true);
  });

  it("waits when the token comes before the deadline", async () => {
    const bucket = tokenBucket({ rate: 1, burst: 1 });
    bucket.allow();
    const [ctx, cancel] = withTimeout(background(), 1_500);
    const waited = bucket.wait(ctx);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(waited).resolves.toBeUndefined();
    cancel();
  });

  it("rejects with canceled when the context is canceled while waiting, and gives the token back", async () => {
    const bucket = tokenBucket({ rate: 1, burst: 1 });
    bucket.allow();
    const [ctx, cancel] = withCancel(background());
    const waited = bucket.wait(ctx);
    const failed = waited.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(400);
    cancel();
    expect(await failed).toMatchObject({ code: Code.Canceled });
    await vi.advanceTimersByTimeAsync(600);
    expect(bucket.allow()).toBe(true); // the canceled waiter's token
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once with the context's reason when it is already canceled", async () => {
    const bucket = tokenBucket({ rate: 1, burst: 1 });
    const [ctx, cancel] = withCancel(background());
    cancel();
    await expect(bucket.wait(ctx)).rejects.toMatchObject({ code: Code.Canceled });
    expect(bucket.allow()).toBe(true);
  });

  it("keeps the order when an earlier waiter cancels", async () => {
    const bucket = tokenBucket({ rate: 10, burst: 1 });
    bucket.allow();
    const served: string[] = [];
    const [first, cancelFirst] = withCancel(background());
    const a = bucket.wait(first).then(() => served.push("a"), () => served.push("a canceled"));
    const [second, cancelSecond] = withCancel(background());
    const b = bucket.wait(second).then(() => served.push("b"), () => served.push("b canceled"));
    const c = bucket.wait(background()).then(() => served.push("c"));
    cancelFirst();
    cancelSecond();
    const d = bucket.wait(background()).then(() => served.push("d"));
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all([a, b, c, d]);
    expect(served).toEqual(["a canceled", "b canceled", "c", "d"]);
  });
});
