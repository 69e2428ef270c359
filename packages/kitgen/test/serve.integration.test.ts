// The generated serveInventory against the real brokers (NATS 4222, RabbitMQ 5672, Mosquitto
// 1883, Redis 6379, Kafka 9092, ElasticMQ 9324): every transport given is started and answers,
// one log line each, and close() stops them last started first; a start that fails closes
// what had started.
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { DeleteQueueCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { background, withTimeout } from "@kit/endpoint";
import { connect as connectAmqp } from "@kit/transport-amqp";
import { connect as connectNats } from "@nats-io/transport-node";
import { Kafka, logLevel } from "kafkajs";
import { connectAsync as connectMqtt } from "mqtt";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { amqpTransport } from "./fixtures/inventory/generated/inventory.amqp.ts";
import { inventoryClient, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { httpTransport } from "./fixtures/inventory/generated/inventory.http.ts";
import { jsonRpcTransport } from "./fixtures/inventory/generated/inventory.jsonrpc.ts";
import { mqttTransport } from "./fixtures/inventory/generated/inventory.mqtt.ts";
import { natsTransport } from "./fixtures/inventory/generated/inventory.nats.ts";
import { redisReplyStream, redisTransport } from "./fixtures/inventory/generated/inventory.redis.ts";
import { serveInventory, type InventoryConnection } from "./fixtures/inventory/generated/inventory.serve.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";

const run = randomUUID().slice(0, 8);
const prefix = `kitgen-serve-${run}`;
const urls = {
  nats: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
  amqp: process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
  mqtt: process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883",
  redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  kafka: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
  sqs: process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324",
};
// The SQS client serveInventory makes takes its region and credentials from the environment, as the AWS SDK does.
process.env.AWS_REGION ??= "us-east-1";
process.env.AWS_ACCESS_KEY_ID ??= "kit";
process.env.AWS_SECRET_ACCESS_KEY ??= "kit";
const mqttClientId = `${prefix}-session`;

afterAll(async () => {
  // The persistent MQTT session would otherwise stay on the broker for its hour; the topics and queues for good.
  const ending = await connectMqtt(urls.mqtt, { protocolVersion: 5, clientId: mqttClientId, clean: true });
  await ending.endAsync();
  const admin = new Kafka({ clientId: prefix, brokers: [urls.kafka], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: (await admin.listTopics()).filter((topic) => topic.startsWith(prefix)) });
  await admin.disconnect();
  const sqs = new SQSClient({ endpoint: urls.sqs });
  const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  await Promise.all((listed.QueueUrls ?? []).map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl }))));
  sqs.destroy();
}, 30_000);

/** A logger that keeps each line's key/values. */
function recorder(): { lines: unknown[][]; log(...keyvals: unknown[]): void } {
  const lines: unknown[][] = [];
  return { lines, log: (...keyvals) => void lines.push(keyvals) };
}

/** Endpoints made per transport, each transport's `defer` noting its name when it runs, in `closed`. */
function noting(closed: string[]): (connection: InventoryConnection, defer: (close: () => Promise<unknown>) => void) => ReturnType<typeof makeEndpoints> {
  const endpoints = makeEndpoints(new Inventory());
  return (connection, defer) => {
    defer(() => Promise.resolve(closed.push(connection.transport)));
    return endpoints;
  };
}

/** Whether an HTTP request to `addr` is refused (nothing listens there any more). */
function refused(addr: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`http://${addr}/`, { method: "POST", timeout: 2_000 }, (res) => {
      res.resume();
      resolve(false);
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      resolve(err.code === "ECONNREFUSED");
    });
    req.end();
  });
}

describe("generated serveInventory", () => {
  it("serves every transport given, one log line each, and closes them last started first", { timeout: 90_000 }, async () => {
    const logger = recorder();
    const closed: string[] = [];
    const options = { logger, prefix, http: "127.0.0.1:0", jsonrpc: ":0", ...urls, mqttClientId, kafkaOptions: { subscriber: { fromBeginning: true } } };
    const served = await serveInventory(noting(closed), options);
    const [ctx, cancel] = withTimeout(background(), 20_000);
    const nc = await connectNats({ servers: urls.nats });
    const amqp = await connectAmqp(urls.amqp);
    const mqtt = await connectMqtt(urls.mqtt, { protocolVersion: 5 });
    const redis = createClient({ url: urls.redis });
    await redis.connect();
    const replies = redisReplyStream(redis);
    try {
      expect(logger.lines.map((line) => line.slice(0, 4))).toEqual([
        ["transport", "HTTP", "addr", served.addrs.http],
        ["transport", "JSONRPC", "addr", served.addrs.jsonrpc],
        ["transport", "NATS", "subjects", `${prefix}.get-item,${prefix}.restock,${prefix}.place-order,${prefix}.categories,${prefix}.record-sale`],
        ["transport", "AMQP", "queues", `${prefix}.get-item,${prefix}.restock,${prefix}.place-order,${prefix}.categories,${prefix}.record-sale`],
        ["transport", "MQTT", "topics", `${prefix}/get-item,${prefix}/restock,${prefix}/place-order,${prefix}/categories,${prefix}/record-sale`],
        ["transport", "Redis", "streams", `${prefix}:get-item,${prefix}:restock,${prefix}:place-order,${prefix}:categories,${prefix}:record-sale`],
        ["transport", "Kafka", "topics", `${prefix}.get-item,${prefix}.restock,${prefix}.place-order,${prefix}.categories,${prefix}.record-sale`],
        ["transport", "SQS", "queues", expect.stringContaining(`/${prefix}-get-item,`)],
      ]);
      expect(served.addrs.http).toMatch(/^127\.0\.0\.1:\d+$/);
      const clients = {
        http: inventoryClient(httpTransport(`http://${served.addrs.http ?? ""}`)),
        jsonrpc: inventoryClient(jsonRpcTransport(`http://${served.addrs.jsonrpc ?? ""}/`)),
        nats: inventoryClient(natsTransport(nc, { prefix })),
        amqp: inventoryClient(amqpTransport(amqp, { prefix })),
        mqtt: inventoryClient(mqttTransport(mqtt, { prefix })),
        redis: inventoryClient(redisTransport(redis, { prefix, replies })),
      };
      for (const [transport, svc] of Object.entries(clients)) {
        expect([transport, await svc.getItem(ctx, "ABC-001")]).toEqual([transport, expect.objectContaining({ sku: "ABC-001", name: "widget" })]);
      }
    } finally {
      cancel();
      await replies.close();
      await Promise.all([nc.close(), amqp.close(), mqtt.endAsync()]);
      redis.destroy();
      await served.close();
    }
    expect(closed).toEqual(["sqs", "kafka", "redis", "mqtt", "amqp", "nats", "jsonrpc", "http"]);
    expect(await refused(served.addrs.http ?? "")).toBe(true);
    await served.close(); // idempotent: nothing runs twice
    expect(closed).toHaveLength(8);
  });

  it("closes what had started when a transport fails to start, and throws its error", { timeout: 30_000 }, async () => {
    const closed: string[] = [];
    const logger = recorder();
    const starting = serveInventory(noting(closed), { logger, prefix, http: "127.0.0.1:0", nats: urls.nats, amqp: "amqp://guest:guest@127.0.0.1:1" });
    await expect(starting).rejects.toThrow(/ECONNREFUSED/);
    expect(closed).toEqual(["nats", "http"]);
    const addr = logger.lines.find((line) => line[1] === "HTTP")?.[3];
    expect(typeof addr).toBe("string");
    expect(await refused(String(addr))).toBe(true);
  });
});
