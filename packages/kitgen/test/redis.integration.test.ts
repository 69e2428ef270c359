// The generated Redis Streams transport against the real Redis (127.0.0.1:6379): the groups made
// by the subscribers, every method by request and reply on a reply stream, an event, error codes,
// a request that fails validation answered invalid_argument, and an event that fails it
// dead-lettered. The streams are deleted after.
import { randomUUID } from "node:crypto";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
import { publisher } from "@kit/transport-redis";
import { createClient, type RedisClientType } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryClient, inventoryMethods, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import {
  inventoryRedisNames,
  redisReplyStream,
  redisSubscribers,
  redisTransport,
  type RedisOptions,
} from "./fixtures/inventory/generated/inventory.redis.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";
import type { InventoryService } from "./fixtures/inventory/service.ts";

const run = randomUUID().slice(0, 8);
const names = Object.fromEntries(inventoryMethods.map((m) => [m, `kitgen-test:${run}:${inventoryRedisNames[m]}`]));
const options: RedisOptions = { names };
const impl = new Inventory();
const replies: { close(): Promise<void> }[] = [];
let redis: RedisClientType;
let subscribers: { close(): Promise<void> };
let svc: InventoryService;

beforeAll(async () => {
  redis = createClient({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
  redis.on("error", () => undefined);
  await redis.connect();
  const subs = redisSubscribers(redis, makeEndpoints(impl), { ...options, subscriber: { backoff: () => 5, maxAttempts: 2, claimIdle: 1_000 } });
  await subs.ready;
  subscribers = subs;
  const stream = redisReplyStream(redis);
  replies.push(stream);
  svc = inventoryClient(redisTransport(redis, { ...options, replies: stream }));
});
afterAll(async () => {
  await subscribers.close();
  for (const stream of replies) await stream.close();
  await redis.del(Object.values(names).flatMap((stream) => [stream, `${stream}:dead-letter`]));
  redis.destroy();
});

function ctx() {
  return withTimeout(background(), 5_000)[0];
}

describe("generated Redis Streams transport", () => {
  it("serves every method on <service>:<kebab-method>, in a group it creates, through a client that implements the interface", async () => {
    expect(inventoryRedisNames).toMatchObject({ getItem: "inventory:get-item", recordSale: "inventory:record-sale" });
    expect(await redis.xInfoGroups(names.getItem!)).toMatchObject([{ name: "inventory" }]);
    expect(await svc.getItem(ctx(), "ABC-001", true)).toMatchObject({ sku: "ABC-001", attributes: { verbose: "yes" } });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 2 }], "gift")).toEqual({ id: "order-1", total: 2 });
    expect(await svc.categories(ctx())).toMatchObject({ name: "all" });
    await svc.recordSale(ctx(), "ABC-001", 99); // an event: resolves once Redis has the entry, no reply
    await expect.poll(() => impl.sales).toContainEqual({ sku: "ABC-001", at: 99 });
  });

  it("keeps error codes, and answers a request that fails validation invalid_argument naming the field", async () => {
    await expect(svc.restock(ctx(), "NOP-000", 1)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
    const stream = redisReplyStream(redis, `raw-${run}`);
    replies.push(stream);
    const raw = publisher<string, unknown>(
      redis,
      names.restock!,
      (_ctx, body, message) => {
        message.body = Buffer.from(body);
      },
      () => undefined,
      { replies: stream },
    );
    const err: unknown = await raw(ctx(), JSON.stringify({ sku: "ABC-001", quantity: "lots" })).catch((thrown: unknown) => thrown);
    expect(isKitError(err) && { code: err.code, message: err.message }).toEqual({ code: "invalid_argument", message: "quantity: expected a number" });
  });

  it("dead-letters an event that fails validation to <stream>:dead-letter, naming the field", async () => {
    await redis.xAdd(names.recordSale!, "*", { body: JSON.stringify({ sku: "ABC-001", at: "soon" }) });
    const dead = `${names.recordSale!}:dead-letter`;
    await expect
      .poll(async () => (await redis.xRange(dead, "-", "+")).map((entry) => entry.message["kit-error-message"]))
      .toEqual(["at: expected a number"]);
  });

  it("needs a reply stream for a service whose methods answer", () => {
    expect(() => redisTransport(redis, options)).toThrow("redisTransport needs options.replies, a reply stream from redisReplyStream");
  });
});
