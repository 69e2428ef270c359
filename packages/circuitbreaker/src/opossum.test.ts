import { background, Code, type Endpoint, isKitError, KitError } from "@kit/endpoint";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { onlyRetryable } from "./breaker.ts";
import { opossumBreaker, type OpossumMiddleware } from "./opossum.ts";

interface Req { fail?: KitError }

function fake(): Endpoint<Req, string> & { calls: number } {
  const ep = Object.assign(
    (_ctx: unknown, req: Req): Promise<string> => {
      ep.calls++;
      return req.fail === undefined ? Promise.resolve("ok") : Promise.reject(req.fail);
    },
    { calls: 0 },
  );
  return ep;
}

const down = (): KitError => new KitError(Code.Unavailable, "backend down");
const missing = (): KitError => new KitError(Code.NotFound, "no such thing");

describe("opossumBreaker", () => {
  let cb: OpossumMiddleware<Req, string> | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    cb?.breaker.shutdown();
    cb = undefined;
    vi.useRealTimers();
  });

  it("passes the endpoint's own error to the caller unchanged while closed", async () => {
    cb = opossumBreaker<Req, string>({ volumeThreshold: 3, resetTimeout: 1_000 });
    const ep = fake();
    const err = down();
    await expect(cb(ep)(background(), { fail: err })).rejects.toBe(err);
    await expect(cb(ep)(background(), {})).resolves.toBe("ok");
    expect(cb.breaker.closed).toBe(true);
  });

  it("opens after N failures and then fails fast with unavailable without calling the endpoint", async () => {
    cb = opossumBreaker<Req, string>({ volumeThreshold: 3, resetTimeout: 1_000 });
    const ep = fake();
    const guarded = cb(ep);
    for (let i = 0; i < 2; i++) await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    expect(cb.breaker.opened).toBe(false);
    await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    expect(cb.breaker.opened).toBe(true);
    const err: unknown = await guarded(background(), {}).catch((e: unknown) => e);
    expect(isKitError(err) && err.code).toBe(Code.Unavailable);
    expect((err as Error).message).toBe("circuit open");
    expect(((err as Error).cause as { code: string }).code).toBe("EOPENBREAKER");
    expect(ep.calls).toBe(3);
  });

  it("counts business errors by default", async () => {
    cb = opossumBreaker<Req, string>({ volumeThreshold: 2, resetTimeout: 1_000 });
    const guarded = cb(fake());
    for (let i = 0; i < 2; i++) await expect(guarded(background(), { fail: missing() })).rejects.toThrow();
    expect(cb.breaker.opened).toBe(true);
  });

  it("does not count errors that countsAsFailure refuses, but still throws them unchanged", async () => {
    cb = opossumBreaker<Req, string>({ volumeThreshold: 2, resetTimeout: 1_000, countsAsFailure: onlyRetryable });
    const ep = fake();
    const guarded = cb(ep);
    for (let i = 0; i < 5; i++) {
      const err = missing();
      await expect(guarded(background(), { fail: err })).rejects.toBe(err);
    }
    expect(cb.breaker.closed).toBe(true);
    expect(cb.breaker.stats.failures).toBe(0);
    await expect(guarded(background(), {})).resolves.toBe("ok");
    expect(ep.calls).toBe(6);
  });

  it("half-opens after resetTimeout and closes on a success", async () => {
    cb = opossumBreaker<Req, string>({ volumeThreshold: 1, resetTimeout: 1_000 });
    const ep = fake();
    const guarded = cb(ep);
    await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    expect(cb.breaker.opened).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    await expect(guarded(background(), {})).rejects.toThrow("circuit open");
    await vi.advanceTimersByTimeAsync(1);
    expect(cb.breaker.halfOpen).toBe(true);
    await expect(guarded(background(), {})).resolves.toBe("ok");
    expect(cb.breaker.closed).toBe(true);
    expect(ep.calls).toBe(2);
  });

  it("reopens when the half-open trial fails", async () => {
    cb = opossumBreaker<Req, string>({ volumeThreshold: 1, resetTimeout: 1_000 });
    const guarded = cb(fake());
    await expect(guarded(background(), { fail: down() })).rejects.toThrow();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    expect(cb.breaker.opened).toBe(true);
  });

  it("passes the context and request through", async () => {
    const mw = opossumBreaker<{ n: number }, number>();
    const ctx = background();
    const seen: unknown[] = [];
    const guarded = mw((c, r) => {
      seen.push(c, r);
      return Promise.resolve(r.n + 1);
    });
    await expect(guarded(ctx, { n: 1 })).resolves.toBe(2);
    expect(seen).toEqual([ctx, { n: 1 }]);
    mw.breaker.shutdown();
  });

  it("maps a shut-down breaker to unavailable and a timeout to deadline_exceeded", async () => {
    cb = opossumBreaker<Req, string>({ timeout: 50 });
    const slow = cb(() => new Promise<string>(() => undefined));
    const timedOut = slow(background(), {}).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(50);
    expect(((await timedOut) as KitError).code).toBe(Code.DeadlineExceeded);
    cb.breaker.shutdown();
    const err: unknown = await cb(fake())(background(), {}).catch((e: unknown) => e);
    expect((err as KitError).code).toBe(Code.Unavailable);
  });
});
