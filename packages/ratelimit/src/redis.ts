/**
 * A token bucket kept in Redis, so that every process using the same key shares one limit.
 *
 * @packageDocumentation
 */
import { Code, KitError } from "@kit/endpoint";
import { bucketScript, bucketScriptSha } from "./internal/bucket-script.ts";
import type { Allower } from "./limiter.ts";

/** Arguments of a script call, as node-redis takes them. */
export interface RedisScriptOptions {
  /** The keys the script touches. */
  keys: string[];
  /** The script's other arguments. */
  arguments: string[];
}

/**
 * The part of a node-redis (v5) client the limiter uses: `createClient()` and
 * `createCluster()` results both fit, and so does a fake in tests.
 */
export interface RedisScriptClient {
  /** EVAL: runs a Lua script. */
  eval(script: string, options: RedisScriptOptions): Promise<unknown>;
  /** EVALSHA: runs a script Redis has cached, by its SHA1. */
  evalSha(sha1: string, options: RedisScriptOptions): Promise<unknown>;
}

/** Options for {@link redisLimiter}. */
export interface RedisLimiterOptions {
  /** The Redis key of the shared bucket (a hash); every process sharing the limit uses it. */
  readonly key: string;
  /** Tokens added per second, across all processes; greater than zero. */
  readonly rate: number;
  /** The bucket's size, across all processes; an integer ≥ 1. */
  readonly burst: number;
  /** Milliseconds to wait for Redis before giving up on one call; default 1000. */
  readonly timeout?: number;
  /**
   * What `allow()` does when Redis is unreachable, fails or is too slow: `false` (default,
   * fail closed) throws `KitError` `unavailable`; `true` (fail open) lets the request through.
   */
  readonly failOpen?: boolean;
}

/** A limiter whose bucket lives in Redis; `erroringLimiter` (from `@kit/ratelimit`) accepts it. */
export interface RedisLimiter extends Allower {
  /**
   * Takes a token from the shared bucket: `true` if one was there. Rejects with `KitError`
   * `unavailable` when Redis cannot answer within `timeout`, unless `failOpen` is set.
   */
  allow(): Promise<boolean>;
}

/**
 * An {@link Allower} backed by Redis: one atomic Lua script refills and takes from a token
 * bucket stored in a hash at `key`, timed by the Redis server's clock (so the processes'
 * clocks don't matter), and the key expires once the bucket would be full again. Fails
 * closed by default: when Redis is unreachable, `allow()` rejects with `unavailable`, and
 * so does the request through `erroringLimiter` (from `@kit/ratelimit`).
 *
 * Needs Redis ≥ 5 (scripts that call TIME and then write).
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * const client = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const limit = redisLimiter(client, { key: "ratelimit:sum", rate: 100, burst: 20 });
 * const limited = erroringLimiter<SumReq, SumRes>(limit)(sum);
 * ```
 */
export function redisLimiter(client: RedisScriptClient, options: RedisLimiterOptions): RedisLimiter {
  const { key, rate, burst, timeout = 1_000, failOpen = false } = options;
  if (key === "") throw new RangeError("redisLimiter: key must not be empty");
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`redisLimiter: rate must be a positive number, got ${String(rate)}`);
  if (!(Number.isInteger(burst) && burst >= 1)) throw new RangeError(`redisLimiter: burst must be an integer ≥ 1, got ${String(burst)}`);
  const args: RedisScriptOptions = { keys: [key], arguments: [String(rate), String(burst)] };

  const run = async (): Promise<unknown> => {
    try {
      return await client.evalSha(bucketScriptSha, args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return client.eval(bucketScript, args);
      throw err;
    }
  };

  return {
    async allow() {
      let timer: NodeJS.Timeout | undefined;
      const tooSlow = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer from Redis within ${String(timeout)} ms`));
        }, timeout);
      });
      try {
        const reply = await Promise.race([run(), tooSlow]);
        return reply === 1;
      } catch (err) {
        if (failOpen) return true;
        const message = err instanceof Error ? err.message : String(err);
        throw new KitError(Code.Unavailable, `ratelimit: redis unavailable: ${message}`, { cause: err });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
