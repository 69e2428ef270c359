// The generated Kafka transport against the real broker (127.0.0.1:9092): the topics, every
// method by request and reply, an event, error codes, and a poison event dead-lettered.
import { randomUUID } from "node:crypto";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
import type { DecodeMessage } from "@kit/transport";
import { atLeastOnceProducer } from "@kit/transport-kafka";
import { Kafka, logLevel, type Admin, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryClient, inventoryMethods, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { inventoryKafkaNames, kafkaSubscribers, kafkaTopics, kafkaTransport, type KafkaClientEndpoints, type KafkaOptions } from "./fixtures/inventory/generated/inventory.kafka.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";
import type { InventoryService } from "./fixtures/inventory/service.ts";

const run = randomUUID().slice(0, 8);
const names = Object.fromEntries(inventoryMethods.map((m) => [m, `kitgen-test-${run}.${inventoryKafkaNames[m]}`]));
const consumer = { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 };
const options: KafkaOptions = { names, consumer, keys: { restock: (r) => r.sku } };
const kafka = new Kafka({ clientId: "kitgen-test", brokers: (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(","), logLevel: logLevel.NOTHING });
const impl = new Inventory();
let admin: Admin;
let producer: Producer;
let subscribers: { close(): Promise<void> };
let transport: KafkaClientEndpoints;
let svc: InventoryService;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await kafkaTopics(kafka, options);
  await kafkaTopics(kafka, options); // idempotent
  subscribers = await kafkaSubscribers(kafka, makeEndpoints(impl), { ...options, subscriber: { consumer, maxAttempts: 1, fromBeginning: true } });
  transport = await kafkaTransport(kafka, options);
  svc = inventoryClient(transport);
  producer = atLeastOnceProducer(kafka);
  await producer.connect();
}, 120_000);

afterAll(async () => {
  await transport.close();
  await subscribers.close();
  await producer.disconnect();
  const existing = new Set(await admin.listTopics());
  const topics = [...existing].filter((t) => t.startsWith(`kitgen-test-${run}.`));
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  await admin.disconnect();
}, 60_000);

function ctx() {
  return withTimeout(background(), 15_000)[0];
}

describe("generated Kafka transport", () => {
  it("creates each method's topic and the reply topic of each method that answers", async () => {
    const topics = new Set(await admin.listTopics());
    for (const m of inventoryMethods) expect(topics.has(names[m]!)).toBe(true);
    expect(topics.has(`${names.getItem!}.replies`)).toBe(true);
    expect(topics.has(`${names.recordSale!}.replies`)).toBe(false); // an event has no reply
  });

  it("calls every method through a client that implements the interface", async () => {
    expect(await svc.getItem(ctx(), "ABC-001", true)).toMatchObject({ sku: "ABC-001", attributes: { verbose: "yes" } });
    expect(await svc.restock(ctx(), "ABC-001", 7)).toMatchObject({ sku: "ABC-001", status: "ok" });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 2 }], null)).toEqual({ id: "order-1", total: 2 });
    expect(await svc.categories(ctx())).toMatchObject({ name: "all" });
    await svc.recordSale(ctx(), "ABC-001", 99);
    await expect.poll(() => impl.sales, { timeout: 15_000 }).toContainEqual({ sku: "ABC-001", at: 99 });
  }, 60_000);

  it("keeps error codes, and refuses a request the client's validator rejects", async () => {
    await expect(svc.restock(ctx(), "NOP-000", 1)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
    await expect(svc.restock(ctx(), "ABC-001", 0)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.InvalidArgument && err.message === "quantity: expected at least 1");
  }, 30_000);

  it("dead-letters an event that fails validation, naming the field", async () => {
    const dead = `${names.recordSale!}.dead-letter`;
    await producer.send({ topic: names.recordSale!, acks: -1, messages: [{ value: JSON.stringify({ sku: "ABC-001", at: "soon" }) }] });
    const reader = kafka.consumer({ groupId: `kitgen-test-${run}-dead`, ...consumer });
    const seen: string[] = [];
    await reader.connect();
    try {
      await reader.subscribe({ topic: dead, fromBeginning: true });
      await reader.run({
        // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
        eachMessage: async ({ message }) => {
          seen.push(String(message.headers?.["kit-error-message"] ?? ""));
        },
      });
      await expect.poll(() => seen, { timeout: 20_000 }).toEqual(["at: expected a number"]);
    } finally {
      await reader.disconnect();
    }
  }, 40_000);
});

describe("generated Kafka subscribers with a method's own decoder", () => {
  it("hands the endpoint what the decoder in `decoders` reads from a body that is not JSON", async () => {
    const own = Object.fromEntries(inventoryMethods.map((m) => [m, `kitgen-test-${run}.own.${inventoryKafkaNames[m]}`]));
    await kafkaTopics(kafka, { names: own });
    const inventory = new Inventory();
    // "ABC-001@17": a sale in a body of its own making, which the validator would refuse as JSON
    const decodeSale: DecodeMessage<{ sku: string; at: number }> = (_ctx, message) => {
      const [sku = "", at = ""] = new TextDecoder().decode(message.body).split("@");
      return { sku, at: Number(at) };
    };
    const ownSubscribers = await kafkaSubscribers(kafka, makeEndpoints(inventory), { names: own, decoders: { recordSale: decodeSale }, subscriber: { consumer, fromBeginning: true } });
    try {
      await producer.send({ topic: own.recordSale!, acks: -1, messages: [{ value: "ABC-001@17" }] });
      await expect.poll(() => inventory.sales, { timeout: 20_000 }).toEqual([{ sku: "ABC-001", at: 17 }]);
    } finally {
      await ownSubscribers.close();
    }
  }, 90_000);
});

describe("generated kafkaTopics", () => {
  it("creates the topics of several services starting at once, each on its own client, every partition led", async () => {
    const services = Array.from({ length: 6 }, (_, i) => Object.fromEntries(inventoryMethods.map((m) => [m, `kitgen-test-${run}.together-${String(i)}.${inventoryKafkaNames[m]}`])));
    const clients = services.map((_, i) => new Kafka({ clientId: `kitgen-test-${String(i)}`, brokers: (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(","), logLevel: logLevel.NOTHING }));
    const outcomes = await Promise.allSettled(services.map((own, i) => kafkaTopics(clients[i]!, { names: own }, 3)));
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    // every method's topic, and the reply topic of each but recordSale (an event)
    const topics = services.flatMap((own) => inventoryMethods.flatMap((m) => [own[m]!, ...(m === "recordSale" ? [] : [`${own[m]!}.replies`])]));
    const { topics: found } = await admin.fetchTopicMetadata({ topics });
    expect(Object.fromEntries(found.map((t) => [t.name, t.partitions.filter((p) => p.leader >= 0).length]))).toEqual(Object.fromEntries(topics.map((t) => [t, 3])));
  }, 120_000);
});
