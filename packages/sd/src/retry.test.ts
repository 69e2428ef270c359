import { background, Code, type Context, type Endpoint, KitError, withCancel, withTimeout } from "@kit/endpoint";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Balancer } from "./balancer.ts";
import { powerOfTwoChoices } from "./power-of-two-choices.ts";
import { random } from "./random.ts";
import { retry } from "./retry.ts";
import { roundRobin } from "./round-robin.ts";

/** A balancer that hands out the given endpoints in turn, and records how many it gave. */
function inTurn(...endpoints: Endpoint<string, string>[]): Balancer<string, string> & { picks: number } {
  const balancer = {
    picks: 0,
    endpoint(): Endpoint<string, string> {
      const endpoint = endpoints[balancer.picks % endpoints.length];
      balancer.picks++;
      if (endpoint === undefined) throw new KitError(Code.Unavailable, "no endpoints available");
      return endpoint;
    },
  };
  return balancer;
}

const fails =
  (code: Code, message: string = code): Endpoint<string, string> =>
  () =>
    Promise.reject(new KitError(code, message));
const answers =
  (value: string): Endpoint<string, string> =>
  () =>
    Promise.resolve(value);
/** Never answers; rejects with the context's reason when it is canceled. */
const hangs: Endpoint<string, string> = (ctx: Context) =>
  new Promise((_, reject) => {
    ctx.signal.addEventListener("abort", () => {
      reject(ctx.signal.reason as Error);
    });
  });

async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KitError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("retry", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("succeeds on a later endpoint", async () => {
    const balancer = inTurn(fails(Code.Unavailable), fails(Code.Unavailable), answers("ok"));
    expect(await retry(3, 1_000, balancer)(background(), "req")).toBe("ok");
    expect(balancer.picks).toBe(3);
  });

  it("stops at max attempts and keeps every attempt's error", async () => {
    const balancer = inTurn(fails(Code.Unavailable, "a down"), fails(Code.ResourceExhausted, "b busy"), answers("ok"));
    const error = await failure(retry(2, 1_000, balancer)(background(), "req"));
    expect(balancer.picks).toBe(2);
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.message).toBe("retry: 2 attempts failed: #1 unavailable: a down; #2 resource_exhausted: b busy");
    expect(error.details).toEqual({
      attempts: [
        { code: Code.Unavailable, message: "a down" },
        { code: Code.ResourceExhausted, message: "b busy" },
      ],
    });
    expect(error.cause).toBeInstanceOf(AggregateError);
    expect((error.cause as AggregateError).errors.map((e: KitError) => e.message)).toEqual(["a down", "b busy"]);
  });

  it("stops at once on a non-retryable error by default", async () => {
    const balancer = inTurn(fails(Code.InvalidArgument), answers("ok"));
    const error = await failure(retry(5, 1_000, balancer)(background(), "req"));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(balancer.picks).toBe(1);
  });

  it("lets shouldRetry decide per error", async () => {
    const shouldRetry = vi.fn((error: KitError, attempt: number) => attempt > 0 && error.code === Code.NotFound);
    const balancer = inTurn(fails(Code.NotFound), fails(Code.Unavailable), answers("ok"));
    const error = await failure(retry(5, 1_000, balancer, { shouldRetry })(background(), "req"));
    expect(error.code).toBe(Code.Unavailable);
    expect(balancer.picks).toBe(2);
    expect(shouldRetry.mock.calls.map(([e, attempt]) => [e.code, attempt])).toEqual([
      [Code.NotFound, 1],
      [Code.Unavailable, 2],
    ]);
  });

  it("counts a balancer with no endpoint as an unavailable attempt", async () => {
    const balancer = inTurn();
    const error = await failure(retry(3, 1_000, balancer)(background(), "req"));
    expect(error.code).toBe(Code.Unavailable);
    expect(balancer.picks).toBe(3);
  });

  it("turns a non-Kit error into unknown, which is not retried", async () => {
    const balancer = inTurn(() => Promise.reject(new TypeError("oops")), answers("ok"));
    const error = await failure(retry(3, 1_000, balancer)(background(), "req"));
    expect(error.code).toBe(Code.Unknown);
    expect(error.message).toContain("oops");
  });

  it("gives up at the overall timeout with deadline_exceeded, abandoning the attempt in flight", async () => {
    vi.useFakeTimers();
    const ignoresCancel: Endpoint<string, string> = () => new Promise(() => undefined);
    const balancer = inTurn(fails(Code.Unavailable), ignoresCancel, answers("ok"));
    const call = failure(retry(10, 1_000, balancer)(background(), "req"));
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await call;
    expect(error.code).toBe(Code.DeadlineExceeded);
    expect(balancer.picks).toBe(2);
    expect(error.details).toMatchObject({ attempts: [{ code: Code.Unavailable }, { code: Code.DeadlineExceeded }] });
  });

  it("never passes the caller's deadline when it is shorter than the timeout", async () => {
    vi.useFakeTimers();
    const seen: (number | undefined)[] = [];
    const balancer = inTurn((ctx, req) => {
      seen.push(ctx.deadline);
      return hangs(ctx, req);
    });
    const [ctx, cancel] = withTimeout(background(), 50);
    const call = failure(retry(3, 60_000, balancer)(ctx, "req"));
    await vi.advanceTimersByTimeAsync(50);
    const error = await call;
    cancel();
    expect(error.code).toBe(Code.DeadlineExceeded);
    expect(seen).toEqual([ctx.deadline]);
    expect(balancer.picks).toBe(1);
  });

  it("gives each attempt a context with the overall deadline", async () => {
    vi.useFakeTimers({ now: 10_000 });
    const seen: (number | undefined)[] = [];
    const balancer = inTurn((ctx) => {
      seen.push(ctx.deadline);
      return Promise.reject(new KitError(Code.Unavailable, "down"));
    });
    await failure(retry(2, 1_000, balancer)(background(), "req"));
    expect(seen).toEqual([11_000, 11_000]);
  });

  it("fails with canceled, without another attempt, when the caller cancels", async () => {
    const balancer = inTurn(hangs, answers("ok"));
    const [ctx, cancel] = withCancel(background());
    const call = failure(retry(3, 60_000, balancer)(ctx, "req"));
    cancel(new KitError(Code.Canceled, "caller gone"));
    const error = await call;
    expect(error.code).toBe(Code.Canceled);
    expect(balancer.picks).toBe(1);
  });

  it("rejects a max below 1 and a timeout that is not positive", () => {
    expect(() => retry(0, 1_000, inTurn())).toThrow(RangeError);
    expect(() => retry(1.5, 1_000, inTurn())).toThrow(RangeError);
    expect(() => retry(1, 0, inTurn())).toThrow(RangeError);
  });
});

/** Three instances shared by every call; `dead` ones fail with `unavailable` after a tick. */
function instances(dead: ReadonlySet<string>): { endpoints: () => Endpoint<number, string>[]; hits: Map<string, number> } {
  const hits = new Map<string, number>();
  const make =
    (name: string): Endpoint<number, string> =>
    async () => {
      hits.set(name, (hits.get(name) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (dead.has(name)) throw new KitError(Code.Unavailable, `${name} is down`);
      return name;
    };
  const list = ["a", "b", "c"].map(make);
  return { endpoints: () => list, hits };
}

describe("retry over a shared balancer", () => {
  it("never sends a call's retry back to the instance that just failed it over roundRobin, however many calls run at once", async () => {
    const { endpoints, hits } = instances(new Set(["b"]));
    const call = retry(2, 5_000, roundRobin({ endpoints }));
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => call(background(), i)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(hits.get("b")).toBe(100);
  });

  it.each([
    ["random", (source: { endpoints: () => Endpoint<number, string>[] }) => random(source)],
    ["powerOfTwoChoices", (source: { endpoints: () => Endpoint<number, string>[] }) => powerOfTwoChoices(source)],
  ])("never retries on the same instance over %s", async (_name, balancer) => {
    const { endpoints, hits } = instances(new Set(["a", "b"]));
    const call = retry(3, 5_000, balancer({ endpoints }));
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => call(background(), i)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(hits.get("c")).toBe(60);
  });

  it("spreads successive calls evenly over the instances", async () => {
    const { endpoints, hits } = instances(new Set());
    const call = retry(3, 5_000, roundRobin({ endpoints }));
    const got = await Promise.all(Array.from({ length: 30 }, (_, i) => call(background(), i)));
    expect(new Set(got)).toEqual(new Set(["a", "b", "c"]));
    expect([...hits.values()]).toEqual([10, 10, 10]);
  });

  it("tries every instance once before any twice, then starts over", async () => {
    const { endpoints, hits } = instances(new Set(["a", "b", "c"]));
    const err = await failure(retry(5, 5_000, roundRobin({ endpoints }))(background(), 1));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.message.match(/[abc] is down/g)?.slice(0, 3).sort()).toEqual(["a is down", "b is down", "c is down"]);
    expect([...hits.values()].sort()).toEqual([1, 2, 2]);
  });
});

