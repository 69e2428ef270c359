// Runs against the Kafka broker at KAFKA_BROKERS (default 127.0.0.1:9092): `bash scripts/kafka.sh start`.
import { randomUUID } from "node:crypto";
import { memory } from "@kit/metrics";
import { Kafka, logLevel, Partitioners, type Admin, type KafkaMessage } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logErrorHandler } from "@kit/transport";
import { demoKafka, serveKafka } from "./demo-kafka.ts";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { newBasicService } from "./service.ts";

const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const kafka = new Kafka({ clientId: "addsvc-test", brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
let admin: Admin;
const prefixes: string[] = [];

beforeAll(async () => {
  admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (err) {
    throw new Error(`no Kafka broker answers at ${brokers.join(",")} (${(err as Error).message}): start one with \`bash scripts/kafka.sh start\``, { cause: err });
  }
});

afterAll(async () => {
  const mine = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(p)));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await admin.disconnect();
});

describe("addsvc over Kafka", () => {
  it("answers sum-requested events with sum-computed events, business errors included, and dead-letters a malformed one", async () => {
    const topicPrefix = `addsvc-test-${randomUUID().slice(0, 8)}`;
    prefixes.push(topicPrefix);
    const metrics = memory();
    const lines: unknown[][] = [];
    const logger = { log: (...keyvals: unknown[]) => void lines.push(keyvals) };
    const svc = await serveKafka(kafka, withMiddleware(makeEndpoints(newBasicService()), { logger, metrics }), topicPrefix, logErrorHandler(logger));
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: svc.requests,
      acks: -1,
      messages: [
        { key: "a", value: JSON.stringify({ id: "a", a: 1, b: 2 }) },
        { key: "b", value: JSON.stringify({ id: "b", a: 0, b: 0 }) },
        { key: "c", value: "{not json" },
      ],
    });
    await producer.disconnect();
    const results = await read(svc.results, 2);
    const dead = await read(`${svc.requests}.dead-letter`, 1);
    await svc.close();
    const byKey = new Map(results.map((m) => [m.key?.toString(), JSON.parse(m.value?.toString() ?? "null") as unknown]));
    expect(byKey.get("a")).toEqual({ id: "a", v: 3 });
    expect(byKey.get("b")).toEqual({ id: "b", error: { code: "invalid_argument", message: "can't sum two zeroes" } });
    expect(dead[0]?.headers?.["kit-error-code"]?.toString()).toBe("invalid_argument");
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(lines.some((l) => l.includes("invalid_argument"))).toBe(true);
  }, 90_000);

  it("runs the Kafka demo: prints the requests and the right results", async () => {
    const printed: string[] = [];
    await demoKafka(brokers, (line) => printed.push(line));
    expect(printed.filter((l) => l.includes("← sum-computed"))).toEqual([
      '  ← sum-computed {"id":"1","v":5}',
      '  ← sum-computed {"id":"2","v":42}',
      '  ← sum-computed {"id":"3","error":{"code":"invalid_argument","message":"can\'t sum two zeroes"}}',
    ]);
    expect((await admin.listTopics()).some((t) => t.startsWith("addsvc-demo-"))).toBe(false); // it cleaned up
  }, 90_000);
});

async function read(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `addsvc-test-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
    const end = Date.now() + 60_000;
    while (got.length < count) {
      if (Date.now() > end) throw new Error(`read ${got.length} of ${count} records from ${topic}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return got;
  } finally {
    await consumer.disconnect();
  }
}
