// The README's Kafka, SQS, MQTT and Redis Streams examples, run from the README's own text beside
// the inventory fixture, against the real brokers (Kafka 127.0.0.1:9092, ElasticMQ
// 127.0.0.1:9324, Mosquitto 127.0.0.1:1883, Redis 127.0.0.1:6379): what they print must be what
// their comments say. The queues, topics, streams and MQTT session they make are deleted after.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DeleteQueueCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Kafka, logLevel } from "kafkajs";
import { connectAsync } from "mqtt";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";
import { inventoryMethods } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { inventoryKafkaNames } from "./fixtures/inventory/generated/inventory.kafka.ts";
import { inventoryRedisNames } from "./fixtures/inventory/generated/inventory.redis.ts";
import { inventorySqsNames } from "./fixtures/inventory/generated/inventory.sqs.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const heading = "### Over Kafka and SQS";
const lightweight = "### Over MQTT and Redis Streams";

afterAll(async () => {
  for (const f of ["readme-sqs.ts", "readme-kafka.ts", "readme-mqtt.ts", "readme-redis.ts"]) rmSync(fileURLToPath(new URL(`./fixtures/inventory/${f}`, import.meta.url)), { force: true });
  const client = new SQSClient({ endpoint: "http://127.0.0.1:9324", region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  const ours = new Set([...inventoryMethods.flatMap((m) => [inventorySqsNames[m], `${inventorySqsNames[m]}-dead-letter`]), "inventory-replies-readme"]);
  const urls = (await client.send(new ListQueuesCommand({ QueueNamePrefix: "inventory-" }))).QueueUrls ?? [];
  await Promise.all(urls.filter((u) => ours.has(u.split("/").at(-1) ?? "")).map((QueueUrl) => client.send(new DeleteQueueCommand({ QueueUrl }))));
  client.destroy();
  const admin = new Kafka({ brokers: ["127.0.0.1:9092"], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = new Set(inventoryMethods.flatMap((m) => [inventoryKafkaNames[m], `${inventoryKafkaNames[m]}.replies`, `${inventoryKafkaNames[m]}.dead-letter`]));
  const existing = (await admin.listTopics()).filter((t) => topics.has(t));
  if (existing.length > 0) await admin.deleteTopics({ topics: existing, timeout: 30_000 });
  await admin.disconnect();
  const redis = createClient({ url: "redis://127.0.0.1:6379" });
  await redis.connect();
  await redis.del(inventoryMethods.flatMap((m) => [inventoryRedisNames[m], `${inventoryRedisNames[m]}:dead-letter`]));
  redis.destroy();
  // The subscribers' persistent session, ended: a clean connection with its client id drops it.
  await (await connectAsync("mqtt://127.0.0.1:1883", { protocolVersion: 5, clientId: "inventory-readme", clean: true })).endAsync();
}, 60_000);

describe("README broker examples", () => {
  it("serves and calls the service over SQS", () => {
    const run = runReadmeExample(readme, { heading, index: 0, file: "../test/fixtures/inventory/readme-sqs.ts" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(1);
    expect(run.printed).toEqual(run.expected);
  }, 60_000);

  it("serves and calls the service over Kafka", () => {
    const run = runReadmeExample(readme, { heading, index: 1, file: "../test/fixtures/inventory/readme-kafka.ts", timeout: 90_000 });
    // kafkajs 2 sets a timer from a stale timestamp on Node 24; Node warns about it and uses 1 ms
    const stderr = run.stderr.split("\n").filter((line) => line !== "" && !/TimeoutNegativeWarning|Timeout duration was set to 1\.|--trace-warnings/.test(line));
    expect({ status: run.status, stderr }).toEqual({ status: 0, stderr: [] });
    expect(run.expected).toHaveLength(1);
    expect(run.printed).toEqual(run.expected);
  }, 120_000);

  it("serves and calls the service over MQTT", () => {
    const run = runReadmeExample(readme, { heading: lightweight, index: 0, file: "../test/fixtures/inventory/readme-mqtt.ts" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(1);
    expect(run.printed).toEqual(run.expected);
  }, 60_000);

  it("serves and calls the service over Redis Streams", () => {
    const run = runReadmeExample(readme, { heading: lightweight, index: 1, file: "../test/fixtures/inventory/readme-redis.ts" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.expected).toHaveLength(1);
    expect(run.printed).toEqual(run.expected);
  }, 60_000);
});
