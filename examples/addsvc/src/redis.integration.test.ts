// addsvc over Redis Streams against the Redis at REDIS_URL (default redis://127.0.0.1:6379): the
// server, the client, the wire format, bad input and the demo. Each test uses streams of its own
// and deletes them.
import { randomUUID } from "node:crypto";
import { background, isKitError, withTimeout } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { decodeJSONMessage, logErrorHandler, whenReady } from "@kit/transport";
import { publisher } from "@kit/transport-redis";
import { createClient, type RedisClientType } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../test/support.ts";
import { demoRedis } from "./demo-redis.ts";
import { makeEndpoints, type AddEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { redisClient } from "./demo-clients.ts";
import { redisReplyStream, redisSubscribers } from "./generated/add.redis.ts";
import { newBasicService } from "./service.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let redis: RedisClientType;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = createClient({ url });
  redis.on("error", () => undefined);
  await redis.connect();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(() => {
  redis.destroy();
});

/** Serves addsvc on streams of its own; closes it and deletes them after the test. */
/** addsvc's Redis Streams wiring, as serveAdd (src/generated/add.serve.ts) does it, on the streams `<streamPrefix>:sum` and `:concat`. */
async function serveRedis(client: RedisClientType, endpoints: AddEndpoints, { logger, streamPrefix }: { logger: ReturnType<typeof recorder>; streamPrefix: string }) {
  const sub = await whenReady(redisSubscribers(client, endpoints, { prefix: streamPrefix, subscriber: { concurrency: 16, group: "addsvc", errorHandler: logErrorHandler(logger) } }));
  return { streams: [`${streamPrefix}:sum`, `${streamPrefix}:concat`] as const, close: () => sub.close() };
}
type RedisServer = Awaited<ReturnType<typeof serveRedis>>;

async function serve(): Promise<{ server: RedisServer; streamPrefix: string; metrics: ReturnType<typeof memory>; logger: ReturnType<typeof recorder> }> {
  const logger = recorder();
  const metrics = memory();
  const streamPrefix = `addsvc-test:${randomUUID().slice(0, 8)}`;
  const server = await serveRedis(redis, withMiddleware(makeEndpoints(newBasicService()), { logger, metrics }), { logger, streamPrefix });
  cleanup.push(async () => {
    await server.close();
    await redis.del(server.streams.flatMap((stream) => [stream, `${stream}:dead-letter`]));
  });
  return { server, streamPrefix, metrics, logger };
}

describe("addsvc over Redis Streams", () => {
  it("answers sum and concat through the Kit Redis client, and brings a business error back as it was thrown", async () => {
    const { server, streamPrefix, metrics } = await serve();
    const svc = redisClient(redis, { streamPrefix });
    cleanup.push(() => svc.close());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await svc.sum(ctx, 2, 3)).toBe(5);
      expect(await svc.concat(ctx, "kit", "go")).toBe("kitgo");
      const err: unknown = await svc.sum(ctx, 0, 0).catch((thrown: unknown) => thrown);
      expect(isKitError(err) && { code: err.code, message: err.message }).toEqual({ code: "invalid_argument", message: "can't sum two zeroes" });
    } finally {
      cancel();
    }
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "ok" })).toBe(1);
    // Every request was acknowledged (close() waits for the XACKs under way): nothing pending in
    // the group, nothing dead-lettered.
    await server.close();
    expect(await redis.xPending(server.streams[0], "addsvc")).toMatchObject({ pending: 0 });
    expect(await redis.exists(`${server.streams[0]}:dead-letter`)).toBe(0);
  });

  it("speaks the HTTP transport's JSON, answers a garbage request invalid_argument, and dead-letters a garbage entry once", async () => {
    const { server, logger } = await serve();
    const replies = redisReplyStream(redis);
    cleanup.push(() => replies.close());
    const rawSum = publisher<string, unknown>(
      redis,
      server.streams[0],
      (_ctx, body, message) => {
        message.body = Buffer.from(body);
      },
      decodeJSONMessage(),
      { replies },
    );
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await rawSum(ctx, '{"A":1,"B":2}')).toEqual({ v: 3 });
      const err: unknown = await rawSum(ctx, "{not json").catch((thrown: unknown) => thrown);
      expect(isKitError(err) && err.code).toBe("invalid_argument");
      const wrongType: unknown = await rawSum(ctx, '{"a":"two"}').catch((thrown: unknown) => thrown);
      expect(isKitError(wrongType) && wrongType.message).toBe("json: cannot unmarshal string into Go struct field SumRequest.A of type int");
    } finally {
      cancel();
    }
    // Entries added by any Redis client, without kit-reply-to: nobody to answer, so dead letters.
    await redis.xAdd(server.streams[0], "*", { body: "{not json" });
    await redis.xAdd(server.streams[0], "*", { nobody: "here" });
    const deadLetters = `${server.streams[0]}:dead-letter`;
    const until = Date.now() + 5_000;
    while ((await redis.xLen(deadLetters)) < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200)); // and nothing more comes
    const dead = await redis.xRange(deadLetters, "-", "+");
    expect(dead.map((entry) => [entry.message.body, entry.message["kit-error-code"]])).toEqual([
      ["{not json", "invalid_argument"],
      ["", "invalid_argument"],
    ]);
    await server.close();
    expect(await redis.xPending(server.streams[0], "addsvc")).toMatchObject({ pending: 0 });
    expect(logger.lines.some((line) => line.includes("invalid_argument"))).toBe(true);
  });

  it("starts again on streams whose consumer group exists, as after a restart", async () => {
    const { server, streamPrefix } = await serve();
    const logger = recorder();
    const again = await serveRedis(redis, withMiddleware(makeEndpoints(newBasicService()), { logger, metrics: memory() }), { logger, streamPrefix });
    cleanup.push(() => again.close());
    expect(again.streams).toEqual(server.streams);
    const svc = redisClient(redis, { streamPrefix });
    cleanup.push(() => svc.close());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await svc.sum(ctx, 40, 2)).toBe(42);
    } finally {
      cancel();
    }
  });

  it("is unavailable at once when the client is not connected", async () => {
    const offline = createClient({ url });
    const svc = redisClient(offline, { streamPrefix: "addsvc-test:nobody" });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      const err: unknown = await svc.sum(ctx, 1, 2).catch((thrown: unknown) => thrown);
      expect(isKitError(err) && err.code).toBe("unavailable");
    } finally {
      cancel();
    }
  });

  it("runs the Redis demo: three calls printed and checked, its streams deleted", async () => {
    const lines: string[] = [];
    await demoRedis(url, (line) => lines.push(line));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/sum\(2, 3\) → 5 {2}✓/);
    expect(lines[2]).toMatch(/concat\("kit", "go"\) → "kitgo" {2}✓/);
    expect(lines[3]).toMatch(/sum\(0, 0\) → error invalid_argument: can't sum two zeroes {2}✓/);
    const streams = /streams (\S+), (\S+)\)/.exec(lines[0] ?? "");
    expect(streams).not.toBeNull();
    expect(await redis.exists([streams![1]!, streams![2]!])).toBe(0);
  });
});
