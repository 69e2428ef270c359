// redisLimiter when its Redis stalls or dies: requests fail closed (unavailable) without a
// crash or a hang, the commands waiting for Redis stay bounded, and nothing a refused request
// sent may take a token once Redis is back. Runs against a redis-server of its own (port 18510),
// which it freezes with SIGSTOP, kills and restarts; the machine's shared Redis is never touched.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { Code, isKitError } from "@kit/endpoint";
import { createClient, type RedisClientType } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisLimiter } from "../src/redis.ts";
import type { OwnBroker } from "@kit/test-support";
import { ownRedis } from "./support/own-redis.ts";

const port = 18_510;
let redis: OwnBroker;
const opened: RedisClientType[] = [];

beforeAll(async () => {
  redis = await ownRedis(port);
});

afterAll(async () => {
  for (const client of opened) client.destroy();
  await redis.destroy("SIGKILL");
});

/** A client as the README builds it: reconnecting by itself, with an 'error' listener. */
async function connect(): Promise<RedisClientType & { errors: number }> {
  const client: RedisClientType = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
  const counted = Object.assign(client, { errors: 0 });
  client.on("error", () => {
    counted.errors += 1;
  });
  await client.connect();
  opened.push(client);
  return counted;
}

/** The calls of each bucket script Redis ran since its statistics were last reset. */
async function scriptCalls(admin: RedisClientType): Promise<number> {
  const stats = await admin.info("commandstats");
  return [...stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** Waits for `event` on `client`, failing after `ms`. */
async function eventWithin(client: RedisClientType, event: string, ms: number): Promise<void> {
  await once(client, event, { signal: AbortSignal.timeout(ms) });
}

interface Outcome {
  allowed: number;
  refused: number;
  /** Refused at once because too many calls were already waiting for Redis. */
  refusedAtOnce: number;
}

async function allowMany(allow: () => Promise<boolean>, count: number): Promise<Outcome> {
  const settled = await Promise.allSettled(Array.from({ length: count }, allow));
  const reasons = settled.flatMap((result) => (result.status === "rejected" ? [result.reason as unknown] : []));
  for (const reason of reasons) expect(isKitError(reason) && reason.code).toBe(Code.Unavailable);
  return {
    allowed: settled.filter((result) => result.status === "fulfilled" && result.value).length,
    refused: reasons.length,
    refusedAtOnce: reasons.filter((reason) => (reason as Error).message.includes("already waiting")).length,
  };
}

describe("redisLimiter when Redis stalls", () => {
  it("refuses during the stall, keeps at most maxInFlight commands queued, and loses no token when Redis resumes", async () => {
    const client = await connect();
    const admin = await connect();
    const key = `stall:${randomUUID()}`;
    const limit = redisLimiter(client, { key, rate: 0.001, burst: 10, timeout: 200, maxInFlight: 20 });
    expect(await limit.allow()).toBe(true); // 9 tokens left
    await admin.configResetStat();

    redis.freeze();
    let during: Outcome;
    try {
      during = await allowMany(() => limit.allow(), 100);
    } finally {
      redis.thaw();
    }
    expect(during).toEqual({ allowed: 0, refused: 100, refusedAtOnce: 80 });

    await client.ping(); // answered after everything sent before it on this connection
    expect(await scriptCalls(admin)).toBeLessThanOrEqual(20); // the commands that were queued
    expect(Number(await admin.hGet(key, "tokens"))).toBeCloseTo(9, 1); // not drained by refused requests
    expect(await limit.allow()).toBe(true);
    expect(Number(await admin.hGet(key, "tokens"))).toBeCloseTo(8, 1);
  });
});

describe("redisLimiter when Redis dies and comes back", () => {
  it("fails closed while Redis is down, queues nothing that runs on its return, and takes tokens again after", async () => {
    const client = await connect();
    const key = `outage:${randomUUID()}`;
    const limit = redisLimiter(client, { key, rate: 0.001, burst: 10, timeout: 200, maxInFlight: 20 });
    expect(await limit.allow()).toBe(true);

    const lost = eventWithin(client, "error", 5_000);
    await redis.kill();
    await lost;
    const during = await allowMany(() => limit.allow(), 100);
    expect(during.allowed).toBe(0);
    expect(during.refused).toBe(100);
    expect(during.refusedAtOnce).toBeGreaterThanOrEqual(80); // the rest waited `timeout`, then were dropped
    expect(client.errors).toBeGreaterThan(0); // reported through 'error', and the process lives on

    await redis.start(); // empty: the bucket is full again
    await eventWithin(client, "ready", 10_000);
    await client.ping(); // answered after whatever the client had queued while Redis was away
    const admin = await connect();
    expect(await scriptCalls(admin)).toBe(0);
    expect(await admin.exists(key)).toBe(0);

    const after = await allowMany(() => limit.allow(), 12);
    expect(after).toEqual({ allowed: 10, refused: 0, refusedAtOnce: 0 });
  });
});
