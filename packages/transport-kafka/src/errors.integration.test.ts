// What a caller sees when Kafka fails, with failures a real broker produces (KAFKA_BROKERS): a
// port nothing listens on, topics that do not exist, a record over the broker's size limit, and a
// forged reply topic.
import { background, Code, isKitError, type KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { Kafka, logLevel, type Admin, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAdmin, connectProducer, newKafka, readRecords, Topics, unique } from "../test/broker.ts";
import { correlationIdHeader, replyTopicHeader } from "./headers.ts";
import { publisher } from "./publisher.ts";
import { requester } from "./requester.ts";
import { subscriber } from "./subscriber.ts";

async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

const consumer = { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 };
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let topics: Topics;

beforeAll(async () => {
  kafka = newKafka("kit-errors-test");
  admin = await connectAdmin(kafka);
  producer = await connectProducer(kafka);
  topics = new Topics(admin);
});

afterAll(async () => {
  await producer.disconnect();
  await topics.drop();
  await admin.disconnect();
});

describe("a Kafka that cannot be reached", () => {
  /** A port in this package's test range that nothing listens on. */
  const down = new Kafka({ clientId: "kit-down", brokers: ["127.0.0.1:15502"], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 100 } });

  it("fails the subscriber's start and the requester's with unavailable", async () => {
    const sub = await failure(subscriber(down, "orders", () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, { groupId: "g" }));
    expect(sub.code).toBe(Code.Unavailable);
    expect(sub.message).toMatch(/^Kafka check topics orders and orders\.dead-letter: .*ECONNREFUSED/);
    const req = await failure(requester(down, "orders", encodeJSONMessage, decodeJSONMessage(), { replyTopic: "orders.replies" }));
    expect(req.code).toBe(Code.Unavailable);
  }, 30_000);
});

describe("topics that do not exist", () => {
  it("fails the subscriber's start with not_found for a missing topic, and does not create it", async () => {
    const missing = unique("kit-missing");
    const err = await failure(subscriber(kafka, missing, () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, { groupId: unique("g"), consumer }));
    expect(err).toMatchObject({ code: Code.NotFound, message: `Kafka topic ${missing} does not exist: create it before serving it` });
    expect(await admin.listTopics()).not.toContain(missing);
  }, 30_000);

  it("creates a missing dead-letter topic by default, and fails with not_found when told not to", async () => {
    const topic = await topics.create("kit-dlt");
    const refused = await failure(
      subscriber(kafka, topic, () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, { groupId: unique("g"), consumer, createDeadLetterTopic: false }),
    );
    expect(refused.code).toBe(Code.NotFound);
    expect(refused.message).toContain(`${topic}.dead-letter`);
    const sub = await subscriber(kafka, topic, () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, { groupId: unique("g"), consumer });
    try {
      await expect(sub.ready).resolves.toBeUndefined();
      expect(await admin.listTopics()).toContain(`${topic}.dead-letter`);
    } finally {
      await sub.close();
    }
  }, 60_000);
});

describe("a record the broker refuses", () => {
  it("fails a publish over the broker's size limit with invalid_argument (it can never be written as it is)", async () => {
    const topic = await topics.create("kit-big");
    const send = publisher(producer, topic, encodeJSONMessage);
    const err = await failure(send(background(), { blob: "x".repeat(2_000_000) }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toMatch(new RegExp(`^Kafka produce to topic ${topic}: `));
  }, 30_000);
});

describe("the reply namespace", () => {
  it("dead-letters a request whose kit-reply-topic is outside it as permission_denied, and produces nothing there", async () => {
    const topic = await topics.create("kit-forged");
    const victim = await topics.create("kit-victim");
    const replies = await topics.createReplies(topic);
    const handled: number[] = [];
    const sub = await subscriber(kafka, topic, (_ctx, req: { n: number }) => (handled.push(req.n), Promise.resolve({ ok: req.n })), decodeJSONMessage<{ n: number }>(), encodeJSONMessage, {
      groupId: unique("g"),
      consumer,
      fromBeginning: true,
    });
    try {
      const request = (n: number, to: string) => ({ value: JSON.stringify({ n }), headers: { [replyTopicHeader]: to, [correlationIdHeader]: `c-${String(n)}` } });
      await producer.send({ topic, acks: -1, messages: [request(1, victim), request(2, replies)] });
      const [dead] = await readRecords(kafka, `${topic}.dead-letter`, 1);
      const [answer] = await readRecords(kafka, replies, 1);
      expect(dead?.headers?.["kit-error-code"]?.toString()).toBe("permission_denied");
      expect(dead?.headers?.["kit-error-message"]?.toString()).toBe(`kit-reply-topic ${JSON.stringify(victim)} is outside the subscriber's reply namespace; not answered`);
      expect(answer?.headers?.[correlationIdHeader]?.toString()).toBe("c-2");
      await until(() => `one request handled (handled ${JSON.stringify(handled)})`, () => handled.length === 1);
      expect(handled).toEqual([2]); // the forged request never reached the endpoint
      const offsets = await admin.fetchTopicOffsets(victim);
      expect(offsets.map((p) => p.high)).toEqual(["0"]); // nothing was produced to the victim
    } finally {
      await sub.close();
    }
  }, 60_000);
});
