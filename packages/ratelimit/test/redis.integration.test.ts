import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { background, Code, type Endpoint } from "@kit/endpoint";
import { createClient, type RedisClientType } from "redis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { erroringLimiter } from "../src/erroring-limiter.ts";
import { redisLimiter } from "../src/redis.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const run = randomUUID();
const prefix = `kit:ratelimit:test:${run}:`;
const takeTokens = fileURLToPath(new URL("./support/take-tokens.ts", import.meta.url));

// Two clients with their own connections, standing in for two processes.
let a: RedisClientType;
let b: RedisClientType;
const opened: RedisClientType[] = [];

async function connect(): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  client.on("error", () => undefined); // connect() rejects with the error; no unhandled 'error' event
  try {
    await client.connect();
    opened.push(client);
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${url} (${err instanceof Error ? err.message : String(err)}). Start it with:\n` +
        `  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
        "or set REDIS_URL to a running Redis.",
      { cause: err },
    );
  }
  return client;
}

beforeAll(async () => {
  a = await connect();
  b = await connect();
});

afterAll(async () => {
  const [first] = opened;
  if (first !== undefined) {
    const keys = await first.keys(`${prefix}*`);
    if (keys.length > 0) await first.del(keys);
  }
  await Promise.all(opened.map((client) => client.close()));
});

describe("redisLimiter against a real Redis", () => {
  it("shares one limit between two clients: exactly burst of 30 concurrent allows succeed", async () => {
    const options = { key: `${prefix}two-clients`, rate: 0.001, burst: 10 };
    const fromA = redisLimiter(a, options);
    const fromB = redisLimiter(b, options);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? fromA : fromB).allow()));
    expect(results.filter(Boolean)).toHaveLength(10);
  });

  it("shares one limit with another process", async () => {
    const options = { key: `${prefix}child`, rate: 0.001, burst: 10 };
    const here = redisLimiter(a, options);
    const mine = await Promise.all(Array.from({ length: 4 }, () => here.allow()));
    expect(mine.filter(Boolean)).toHaveLength(4);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [takeTokens, url, options.key, String(options.rate), String(options.burst), "10"],
      { timeout: 15_000 },
    );
    expect(Number(stdout.trim())).toBe(6); // the 6 tokens this process left
    expect(await here.allow()).toBe(false);
  });

  it("shares one limit between two clients and a child process making 30 allows at once", async () => {
    const options = { key: `${prefix}three`, rate: 0.001, burst: 10 };
    const child = promisify(execFile)(
      process.execPath,
      [takeTokens, url, options.key, String(options.rate), String(options.burst), "10"],
      { timeout: 15_000 },
    );
    const fromA = redisLimiter(a, options);
    const fromB = redisLimiter(b, options);
    const here = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? fromA : fromB).allow()));
    const there = Number((await child).stdout.trim());
    expect(here.filter(Boolean).length + there).toBe(10);
  });

  it("refills at the rate, timed by the Redis server's clock", async () => {
    const limit = redisLimiter(b, { key: `${prefix}refill`, rate: 20, burst: 1 }); // one token per 50 ms
    expect(await limit.allow()).toBe(true);
    expect(await limit.allow()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await limit.allow()).toBe(true);
    expect(await limit.allow()).toBe(false);
  });

  it("lets the key expire once the bucket would be full again", async () => {
    const key = `${prefix}expiry`;
    await redisLimiter(a, { key, rate: 10, burst: 5 }).allow(); // 1 token short: full in 100 ms
    const ttl = await a.pTTL(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100 + 1_000);
    expect(await a.hGetAll(key)).toMatchObject({ tokens: "4" });
  });

  it("makes erroringLimiter answer resource_exhausted past the shared limit", async () => {
    const endpoint: Endpoint<number, number> = vi.fn((_ctx, n: number) => Promise.resolve(n));
    const limited = erroringLimiter<number, number>(redisLimiter(a, { key: `${prefix}middleware`, rate: 0.001, burst: 2 }))(endpoint);
    expect(await limited(background(), 1)).toBe(1);
    expect(await limited(background(), 2)).toBe(2);
    await expect(limited(background(), 3)).rejects.toMatchObject({ code: Code.ResourceExhausted });
    expect(endpoint).toHaveBeenCalledTimes(2);
  });
});

describe("redisLimiter when Redis is unreachable", () => {
  it("fails the request with unavailable (fail closed) when the client is not connected", async () => {
    const closed: RedisClientType = createClient({ url: "redis://127.0.0.1:1", socket: { reconnectStrategy: false } });
    const endpoint: Endpoint<number, number> = vi.fn((_ctx, n: number) => Promise.resolve(n));
    const limited = erroringLimiter<number, number>(redisLimiter(closed, { key: `${prefix}down`, rate: 1, burst: 1 }))(endpoint);
    await expect(limited(background(), 1)).rejects.toMatchObject({ code: Code.Unavailable });
    expect(endpoint).not.toHaveBeenCalled();
    expect(await redisLimiter(closed, { key: `${prefix}down`, rate: 1, burst: 1, failOpen: true }).allow()).toBe(true);
  });

  it("fails with unavailable after the timeout when Redis accepts the connection but never answers", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const hung: RedisClientType = createClient({ url: `redis://127.0.0.1:${address.port}`, socket: { reconnectStrategy: false } });
    hung.on("error", () => undefined);
    // node-redis's connect() itself waits for the handshake this server never answers; the
    // limiter's command queues behind it, as it would behind a Redis that hangs.
    const connecting = hung.connect().catch(() => undefined);
    try {
      const started = Date.now();
      await expect(redisLimiter(hung, { key: "k", rate: 1, burst: 1, timeout: 200 }).allow()).rejects.toMatchObject({
        code: Code.Unavailable,
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      hung.destroy();
      await connecting;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
