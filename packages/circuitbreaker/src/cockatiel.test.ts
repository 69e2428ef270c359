import { background, Code, type Endpoint, isKitError, KitError } from "@kit/endpoint";
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll } from "cockatiel";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { onlyRetryable } from "./breaker.ts";
import { cockatielBreaker } from "./cockatiel.ts";

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
const policy = (n: number) => circuitBreaker(handleAll, { halfOpenAfter: 1_000, breaker: new ConsecutiveBreaker(n) });

describe("cockatielBreaker", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("passes the endpoint's own error to the caller unchanged while closed", async () => {
    const p = policy(3);
    const guarded = cockatielBreaker<Req, string>(p)(fake());
    const err = down();
    await expect(guarded(background(), { fail: err })).rejects.toBe(err);
    await expect(guarded(background(), {})).resolves.toBe("ok");
    expect(p.state).toBe(CircuitState.Closed);
  });

  it("opens after N failures and then fails fast with unavailable without calling the endpoint", async () => {
    const p = policy(3);
    const ep = fake();
    const guarded = cockatielBreaker<Req, string>(p)(ep);
    for (let i = 0; i < 3; i++) await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    expect(p.state).toBe(CircuitState.Open);
    const err: unknown = await guarded(background(), {}).catch((e: unknown) => e);
    expect(isKitError(err) && err.code).toBe(Code.Unavailable);
    expect((err as Error).message).toBe("circuit open");
    expect((err as Error).cause).toBeInstanceOf(BrokenCircuitError);
    expect(ep.calls).toBe(3);
  });

  it("maps an isolated circuit to unavailable", async () => {
    const p = policy(3);
    const ep = fake();
    const handle = p.isolate();
    await expect(cockatielBreaker<Req, string>(p)(ep)(background(), {})).rejects.toThrow("circuit open");
    expect(ep.calls).toBe(0);
    handle.dispose();
  });

  it("does not count errors that countsAsFailure refuses, but still throws them unchanged", async () => {
    const p = policy(2);
    const ep = fake();
    const guarded = cockatielBreaker<Req, string>(p, { countsAsFailure: onlyRetryable })(ep);
    for (let i = 0; i < 5; i++) {
      const err = missing();
      await expect(guarded(background(), { fail: err })).rejects.toBe(err);
    }
    expect(p.state).toBe(CircuitState.Closed);
    await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    expect(p.state).toBe(CircuitState.Open);
    expect(ep.calls).toBe(7);
  });

  it("counts business errors by default", async () => {
    const p = policy(2);
    const guarded = cockatielBreaker<Req, string>(p)(fake());
    for (let i = 0; i < 2; i++) await expect(guarded(background(), { fail: missing() })).rejects.toThrow();
    expect(p.state).toBe(CircuitState.Open);
  });

  it("half-opens after halfOpenAfter and closes on a success", async () => {
    const p = policy(1);
    const ep = fake();
    const guarded = cockatielBreaker<Req, string>(p)(ep);
    await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    vi.advanceTimersByTime(999);
    await expect(guarded(background(), {})).rejects.toThrow("circuit open");
    vi.advanceTimersByTime(1);
    await expect(guarded(background(), {})).resolves.toBe("ok");
    expect(p.state).toBe(CircuitState.Closed);
    expect(ep.calls).toBe(2);
  });

  it("reopens when the half-open trial fails", async () => {
    const p = policy(1);
    const guarded = cockatielBreaker<Req, string>(p)(fake());
    await expect(guarded(background(), { fail: down() })).rejects.toThrow();
    vi.advanceTimersByTime(1_000);
    await expect(guarded(background(), { fail: down() })).rejects.toThrow("backend down");
    expect(p.state).toBe(CircuitState.Open);
  });

  it("passes the context and request through", async () => {
    const ctx = background();
    const seen: unknown[] = [];
    const guarded = cockatielBreaker<{ n: number }, number>(policy(1))((c, r) => {
      seen.push(c, r);
      return Promise.resolve(r.n + 1);
    });
    await expect(guarded(ctx, { n: 1 })).resolves.toBe(2);
    expect(seen).toEqual([ctx, { n: 1 }]);
  });
});
