import { background, Code, type Endpoint, withCancel, withTimeout } from "@kit/endpoint";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { delayingLimiter } from "./delaying-limiter.ts";
import { tokenBucket } from "./token-bucket.ts";

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const echo = (): Endpoint<number, number> => vi.fn((_ctx, req: number) => Promise.resolve(req));

describe("delayingLimiter", () => {
  it("delays requests over the limit until a token comes, in order", async () => {
    const endpoint = echo();
    const limited = delayingLimiter<number, number>(tokenBucket({ rate: 10, burst: 2 }))(endpoint);
    const start = Date.now();
    const done: [number, number][] = [];
    const calls = [0, 1, 2, 3].map((i) => limited(background(), i).then((r) => done.push([r, Date.now() - start])));
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all(calls);
    expect(done).toEqual([[0, 0], [1, 0], [2, 100], [3, 200]]);
    expect(endpoint).toHaveBeenCalledTimes(4);
  });

  it("fails at once with deadline_exceeded when the token would come too late, without calling the endpoint", async () => {
    const endpoint = echo();
    const limited = delayingLimiter<number, number>(tokenBucket({ rate: 1, burst: 1 }))(endpoint);
    await limited(background(), 0);
    const [ctx, cancel] = withTimeout(background(), 200);
    await expect(limited(ctx, 1)).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now()).toBe(1_000_000);
    expect(endpoint).toHaveBeenCalledTimes(1);
    cancel();
  });

  it("fails with canceled when the context is canceled while waiting", async () => {
    const endpoint = echo();
    const limited = delayingLimiter<number, number>(tokenBucket({ rate: 1, burst: 1 }))(endpoint);
    await limited(background(), 0);
    const [ctx, cancel] = withCancel(background());
    const call = limited(ctx, 1);
    const failed = call.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(100);
    cancel();
    expect(await failed).toMatchObject({ code: Code.Canceled });
    expect(endpoint).toHaveBeenCalledTimes(1);
  });
});
