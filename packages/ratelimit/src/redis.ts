/**
 * A token bucket kept in Redis, so that every process using the same key shares one limit.
 *
 * @packageDocumentation
 */
import { Code, KitError } from "@kit/endpoint";
import { redisBucket } from "./internal/redis-bucket.ts";
import type { Allower } from "./limiter.ts";

/** Arguments of a script call, as node-redis takes them. */
export interface RedisScriptOptions {
  /** The keys the script touches. */
  keys: string[];
  /** The script's other arguments. */
  arguments: string[];
}

/**
 * The part of a node-redis (v5) client the limiter uses: `createClient()`, `createCluster()`
 * and `createClientPool()` results all fit, and so does a fake in tests.
 */
export interface RedisScriptClient {
  /** EVAL: runs a Lua script. */
  eval(script: string, options: RedisScriptOptions): Promise<unknown>;
  /** EVALSHA: runs a script Redis has cached, by its SHA1. */
  evalSha(sha1: string, options: RedisScriptOptions): Promise<unknown>;
  /**
   * The same client, its commands cancelled by `abortSignal`: a command still queued in the
   * client (not yet written to Redis) when the signal aborts is dropped and never sent.
   */
  withCommandOptions(options: { abortSignal: AbortSignal }): RedisScriptClient;
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
   * The most calls of this limiter waiting for Redis at once; default 1000. One more is
   * refused at once (`unavailable`, or let through with `failOpen`) without being sent, so a
   * Redis that stalls or is away cannot make the client's queue grow without bound.
   */
  readonly maxInFlight?: number;
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
   * `unavailable` when Redis cannot answer within `timeout` or `maxInFlight` calls are
   * already waiting for it, unless `failOpen` is set.
   */
  allow(): Promise<boolean>;
}

/**
 * An {@link Allower} backed by Redis: one atomic Lua script refills and takes from a token
 * bucket stored in a hash at `key`, timed by the Redis server's clock (so the processes'
 * clocks don't matter), and the key expires once the bucket would be full again. Fails
 * closed by default: when Redis is unreachable, too slow, or `maxInFlight` calls already
 * wait for it, `allow()` rejects with `unavailable`, and so does the request through
 * `erroringLimiter` (from `@kit/ratelimit`). A refused call leaves the bucket alone even
 * when Redis runs it later (after a stall): it is dropped from the client's queue if it was
 * not sent yet, and the script refuses to take a token past the caller's deadline.
 *
 * Needs Redis ≥ 5 (scripts that call TIME and then write). Give the client an `'error'`
 * listener: node-redis emits `error` whenever the connection drops, and an `error` event
 * nobody listens to ends the Node process.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * const client = createClient({ url: "redis://127.0.0.1:6379" });
 * client.on("error", (err: Error) => { console.error(`redis: ${err.message}`); }); // else a lost connection ends the process
 * await client.connect();
 * const limit = redisLimiter(client, { key: "ratelimit:sum", rate: 100, burst: 20 });
 * const limited = erroringLimiter<SumReq, SumRes>(limit)(sum);
 * ```
 */
export function redisLimiter(client: RedisScriptClient, options: RedisLimiterOptions): RedisLimiter {
  const { key, rate, burst, timeout = 1_000, maxInFlight = 1_000, failOpen = false } = options;
  if (key === "") throw new RangeError("redisLimiter: key must not be empty");
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`redisLimiter: rate must be a positive number, got ${String(rate)}`);
  if (!(Number.isInteger(burst) && burst >= 1)) throw new RangeError(`redisLimiter: burst must be an integer ≥ 1, got ${String(burst)}`);
  if (!(Number.isFinite(timeout) && timeout > 0)) throw new RangeError(`redisLimiter: timeout must be a positive number, got ${String(timeout)}`);
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) {
    throw new RangeError(`redisLimiter: maxInFlight must be an integer ≥ 1, got ${String(maxInFlight)}`);
  }
  const bucket = redisBucket(client, key, rate, burst);

  const refuse = (reason: unknown): boolean => {
    if (failOpen) return true;
    const message = reason instanceof Error ? reason.message : String(reason);
    throw new KitError(Code.Unavailable, `ratelimit: redis unavailable: ${message}`, { cause: reason });
  };

  return {
    async allow() {
      if (bucket.inFlight >= maxInFlight) return refuse(new Error(`${String(maxInFlight)} calls are already waiting for Redis`));
      const giveUp = new AbortController();
      const timer = setTimeout(() => {
        giveUp.abort(new Error(`no answer from Redis within ${String(timeout)} ms`));
      }, timeout);
      try {
        return await untilAborted(bucket.take(Date.now() + timeout, giveUp.signal), giveUp.signal);
      } catch (err) {
        return refuse(err);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** `work`, or a rejection with the signal's reason as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = new Promise<never>((_resolve, reject) => {
    signal.addEventListener("abort", () => {
      reject(signal.reason as Error);
    }, { once: true });
  });
  return Promise.race([work, aborted]);
}
