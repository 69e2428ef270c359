import { Code, KitError } from "@kit/endpoint";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bucketScript, bucketScriptSha } from "./internal/bucket-script.ts";
import { redisLimiter, type RedisScriptClient, type RedisScriptOptions } from "./redis.ts";

afterEach(() => {
  vi.useRealTimers();
});

function fakeClient(reply: (script: string, options: RedisScriptOptions) => Promise<unknown>): RedisScriptClient & {
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    evalSha: (sha, options) => {
      calls.push(`evalSha ${sha}`);
      return reply(sha, options);
    },
    eval: (script, options) => {
      calls.push(script === bucketScript ? "eval bucketScript" : "eval ?");
      return reply(script, options);
    },
  };
}

describe("redisLimiter", () => {
  it("runs the cached script with the key, rate and burst, and reads 1 as allowed", async () => {
    const seen: RedisScriptOptions[] = [];
    const replies = [1, 0];
    const client = fakeClient((_s, options) => {
      seen.push(options);
      return Promise.resolve(replies.shift());
    });
    const limit = redisLimiter(client, { key: "rl:k", rate: 2.5, burst: 7 });
    expect(await limit.allow()).toBe(true);
    expect(await limit.allow()).toBe(false);
    expect(seen[0]).toEqual({ keys: ["rl:k"], arguments: ["2.5", "7"] });
    expect(client.calls).toEqual([`evalSha ${bucketScriptSha}`, `evalSha ${bucketScriptSha}`]);
  });

  it("loads the script with EVAL when Redis does not have it cached", async () => {
    const client = fakeClient((script) =>
      script === bucketScriptSha ? Promise.reject(new Error("NOSCRIPT No matching script.")) : Promise.resolve(1),
    );
    expect(await redisLimiter(client, { key: "k", rate: 1, burst: 1 }).allow()).toBe(true);
    expect(client.calls).toEqual([`evalSha ${bucketScriptSha}`, "eval bucketScript"]);
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
    const client = fakeClient(() => Promise.resolve(1));
    expect(() => redisLimiter(client, { key: "", rate: 1, burst: 1 })).toThrow(RangeError);
    expect(() => redisLimiter(client, { key: "k", rate: -1, burst: 1 })).toThrow(RangeError);
    expect(() => redisLimiter(client, { key: "k", rate: 1, burst: 0 })).toThrow(RangeError);
  });
});
