// Runs against the Kafka broker at KAFKA_BROKERS (default 127.0.0.1:9092): `bash scripts/kafka.sh start`.
// A record the broker accepted but whose dead-letter copy (with Kit's headers) is over the
// broker's size limit: the subscriber must neither spin on it nor block the records behind it.
import type { KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { committed, connectAdmin, connectProducer, endOffsets, newKafka, readRecords, text, Topics, unique } from "../test/broker.ts";
import { createTopics } from "./create-topics.ts";
import { subscriber } from "./subscriber.ts";

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let topics: Topics;

beforeAll(async () => {
  kafka = newKafka("kit-dead-letter-test");
  admin = await connectAdmin(kafka);
  topics = new Topics(admin);
  producer = await connectProducer(kafka);
});

afterAll(async () => {
  await producer.disconnect();
  await topics.drop();
  await admin.disconnect();
});

const consumer = { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 };

describe("a dead letter too large for the dead-letter topic", () => {
  it("is written with its body cut, once, and the valid record behind it on the partition is handled", async () => {
    const topic = await topics.create("kit-too-large");
    await createTopics(kafka, [`${topic}.dead-letter`]);
    // 1,048,480 bytes that are not JSON: the broker takes the record (its limit is 1 MiB + 12
    // bytes for the whole batch), but not its copy with the runtime's headers added.
    const big = Buffer.alloc(1_048_480, 0xff);
    await producer.send({ topic, acks: -1, messages: [{ value: big }] });
    await producer.send({ topic, acks: -1, messages: [{ value: JSON.stringify({ n: 1 }) }] });

    const errors: KitError[] = [];
    const handled: unknown[] = [];
    const groupId = unique("kit-too-large");
    const sub = await subscriber(
      kafka,
      topic,
      async (_ctx, request: unknown) => {
        handled.push(request);
        return Promise.resolve();
      },
      decodeJSONMessage(),
      encodeJSONMessage,
      { groupId, fromBeginning: true, concurrency: 4, consumer, errorHandler: { handle: (_ctx, err) => errors.push(err) } },
    );
    try {
      await until(() => `one record handled (handled ${handled.length}; errors: ${errors.map((e) => e.code).join(", ")})`, () => handled.length === 1, { timeout: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // a spinning runtime would report hundreds of failures by now
    } finally {
      await sub.close();
    }

    expect(handled).toEqual([{ n: 1 }]);
    // the decode failure, and the one refused write of the whole record; nothing more
    expect(errors.map((e) => e.code)).toEqual(["invalid_argument", "resource_exhausted"]);
    const [dead] = await readRecords(kafka, `${topic}.dead-letter`, 1);
    const headers = Object.fromEntries(Object.entries(dead?.headers ?? {}).map(([name, value]) => [name, String(value)]));
    expect(headers).toMatchObject({ "kit-error-code": "invalid_argument", "kit-body-truncated": "1048480", "kit-offset": "0", "kit-attempts": "1" });
    expect(dead?.value?.length).toBe(1_024);
    expect(text(dead?.value ?? Buffer.alloc(0))).toBe(big.subarray(0, 1_024).toString("utf8"));
    expect(await committed(admin, groupId, topic)).toEqual(await endOffsets(admin, topic));
  }, 90_000);
});
