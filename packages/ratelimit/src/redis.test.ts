import { Code, KitError } from "@kit/endpoint";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bucketScript, bucketScriptSha } from "./internal/bucket-script.ts";
import { redisLimiter, type RedisScriptClient, type RedisScriptOptions } from "./redis.ts";

afterEach(() => {
  vi.useRealTimers();
});

const serverNow = 1_000_000;

/** A script client answering with `reply`; the limiter's first call (deadline 0) only reads the clock. */
function fakeClient(reply: (script: string, options: RedisScriptOptions) => Promise<unknown>): RedisScriptClient & {
  calls: string[];
  signals: AbortSignal[];
} {
  const calls: string[] = [];
  const signals: AbortSignal[] = [];
  const answer = (script: string, options: RedisScriptOptions): Promise<unknown> =>
    options.arguments[2] === "0" ? Promise.resolve([-1, serverNow]) : reply(script, options);
  const client = {
    calls,
    signals,
    evalSha: (sha: string, options: RedisScriptOptions) => {
      calls.push(`evalSha ${sha === bucketScriptSha ? "bucketScript" : "?"}`);
      return answer(sha, options);
    },
    eval: (script: string, options: RedisScriptOptions) => {
      calls.push(script === bucketScript ? "eval bucketScript" : "eval ?");
      return answer(script, options);
    },
    withCommandOptions: ({ abortSignal }: { abortSignal: AbortSignal }) => {
      signals.push(abortSignal);
      return client;
    },
  };
  return client;
}

describe("redisLimiter", () => {
  it("runs the cached script with the key, rate, burst and a deadline in the server's clock, and reads 1 as allowed", async () => {
    vi.useFakeTimers({ now: 5_000 });
    const seen: RedisScriptOptions[] = [];
    const replies = [[1, serverNow], [0, serverNow]];
    const client = fakeClient((_s, options) => {
      seen.push(options);
      return Promise.resolve(replies.shift());
    });
    const limit = redisLimiter(client, { key: "rl:k", rate: 2.5, burst: 7, timeout: 300 });
    expect(await limit.allow()).toBe(true);
    expect(await limit.allow()).toBe(false);
    // the server's clock is 995_000 ms ahead of this one: the deadline is now + timeout, in its time
    expect(seen[0]).toEqual({ keys: ["rl:k"], arguments: ["2.5", "7", String(5_000 + 300 + serverNow - 5_000)] });
    expect(client.calls).toEqual(["evalSha bucketScript", "evalSha bucketScript", "evalSha bucketScript"]);
  });

  it("fails closed when the script ran after the caller's deadline", async () => {
    const limit = redisLimiter(fakeClient(() => Promise.resolve([-1, serverNow])), { key: "k", rate: 1, burst: 1 });
    await expect(limit.allow()).rejects.toMatchObject({ code: Code.Unavailable, message: expect.stringContaining("after its deadline") as unknown });
  });

  it("aborts the commands of a call once it gives up, so the client drops those still queued", async () => {
    vi.useFakeTimers();
    const client = fakeClient(() => new Promise(() => undefined));
    const failed = redisLimiter(client, { key: "k", rate: 1, burst: 1, timeout: 100 }).allow().catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(100);
    expect(await failed).toMatchObject({ code: Code.Unavailable });
    expect(client.signals.length).toBeGreaterThan(0);
    expect(client.signals.every((signal) => signal.aborted)).toBe(true);
  });

  it("refuses at once, without sending, past maxInFlight calls waiting for Redis", async () => {
    vi.useFakeTimers();
    const client = fakeClient(() => new Promise(() => undefined));
    const limit = redisLimiter(client, { key: "k", rate: 1, burst: 1, timeout: 1_000, maxInFlight: 2 });
    const waiting = [limit.allow().catch(() => "refused later"), limit.allow().catch(() => "refused later")];
    await vi.advanceTimersByTimeAsync(0);
    const sent = client.calls.length;
    await expect(limit.allow()).rejects.toMatchObject({ code: Code.Unavailable, message: expect.stringContaining("already waiting") as unknown });
    expect(client.calls).toHaveLength(sent);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await Promise.all(waiting)).toEqual(["refused later", "refused later"]);
  });

  it("loads the script with EVAL when Redis does not have it cached", async () => {
    let cached = false;
    const client = fakeClient((script) => {
      if (script === bucketScript) cached = true;
      return script === bucketScriptSha && !cached ? Promise.reject(new Error("NOSCRIPT No matching script.")) : Promise.resolve([1, serverNow]);
    });
    expect(await redisLimiter(client, { key: "k", rate: 1, burst: 1 }).allow()).toBe(true);
    expect(client.calls).toEqual(["evalSha bucketScript", "evalSha bucketScript", "eval bucketScript"]);
  });

  it("fails closed with unavailable when Redis fails", async () => {
    const cause = new Error("The client is closed");
    const limit = redisLimiter(fakeClient(() => Promise.reject(cause)), { key: "k", rate: 1, burst: 1 });
    const allowed = limit.allow();
    await expect(allowed).rejects.toBeInstanceOf(KitError);
    await expect(allowed).rejects.toMatchObject({ code: Code.Unavailable, cause });
  });

  it("fails closed with unavailable when Redis does not answer within the timeout", async () => {
    vi.useFakeTimers();
    const limit = redisLimiter(fakeClient(() => new Promise(() => undefined)), { key: "k", rate: 1, burst: 1, timeout: 250 });
    const allowed = limit.allow();
    const failed = allowed.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(250);
    expect(await failed).toMatchObject({ code: Code.Unavailable, message: expect.stringContaining("250 ms") as unknown });
  });

  it("fails open when asked to", async () => {
    const limit = redisLimiter(fakeClient(() => Promise.reject(new Error("ECONNREFUSED"))), {
      key: "k",
      rate: 1,
      burst: 1,
      failOpen: true,
    });
    expect(await limit.allow()).toBe(true);
  });

  it("refuses bad options", () => {
    const client = fakeClient(() => Promise.resolve([1, serverNow]));
    expect(() => redisLimiter(client, { key: "", rate: 1, burst: 1 })).toThrow(RangeError);
    expect(() => redisLimiter(client, { key: "k", rate: 1, burst: 1, timeout: 0 })).toThrow(/timeout/);
    expect(() => redisLimiter(client, { key: "k", rate: 1, burst: 1, maxInFlight: 0 })).toThrow(/maxInFlight/);
    expect(() => redisLimiter(client, { key: "k", rate: -1, burst: 1 })).toThrow(RangeError);
    expect(() => redisLimiter(client, { key: "k", rate: 1, burst: 0 })).toThrow(RangeError);
  });
});
