// Runs against the Kafka broker at KAFKA_BROKERS (default 127.0.0.1:9092): `bash scripts/kafka.sh start`.
import { background, Code, isKitError, KitError, withTimeout, type Context, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { timeoutHeader } from "@kit/transport/driver";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAdmin, connectProducer, newKafka, readRecords, Topics, unique } from "../test/broker.ts";
import { correlationIdHeader } from "./headers.ts";
import { publisher } from "./publisher.ts";
import { requester, type KafkaRequester } from "./requester.ts";
import { subscriber, type KafkaSubscriber } from "./subscriber.ts";

interface Sum {
  a: number;
  b: number;
  wait?: number;
}

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let topics: Topics;
let topic: string;
let sub: KafkaSubscriber;
let sum: KafkaRequester<Sum, { v: number }>;
const budgets: (number | undefined)[] = []; // the time the handler had left, in ms

const consumer = { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 };

beforeAll(async () => {
  kafka = newKafka("kit-requester-test");
  admin = await connectAdmin(kafka);
  topics = new Topics(admin);
  producer = await connectProducer(kafka);
  topic = await topics.create("kit-sum", 2);
  const replyTopic = await topics.createReplies(topic);
  const endpoint: Endpoint<Sum, { v: number }> = async (ctx: Context, req) => {
    budgets.push(ctx.deadline === undefined ? undefined : ctx.deadline - Date.now());
    if (req.a < 0) throw new KitError(Code.InvalidArgument, "a must not be negative");
    if (req.wait !== undefined) await new Promise((resolve) => setTimeout(resolve, req.wait));
    return { v: req.a + req.b };
  };
  sub = await subscriber(kafka, topic, endpoint, decodeJSONMessage<Sum>(), encodeJSONMessage, {
    groupId: unique("kit-sum"),
    fromBeginning: true,
    consumer,
    maxAttempts: 1,
  });
  sum = await requester(kafka, topic, encodeJSONMessage, decodeJSONMessage<{ v: number }>(), { replyTopic, key: (r: Sum) => String(r.a), consumer });
}, 90_000);

afterAll(async () => {
  await sum.close();
  await sub.close();
  await producer.disconnect();
  await topics.drop();
  await admin.disconnect();
});

async function call(req: Sum, ms: number): Promise<{ v: number }> {
  const [ctx, cancel] = withTimeout(background(), ms);
  try {
    return await sum(ctx, req);
  } finally {
    cancel();
  }
}

describe("requester and subscriber against a real broker", () => {
  it("round-trips a request, carrying the caller's deadline to the handler", async () => {
    await expect(call({ a: 2, b: 3 }, 10_000)).resolves.toEqual({ v: 5 });
    const budget = budgets.at(-1);
    expect(budget).toBeDefined();
    expect(budget).toBeGreaterThan(5_000); // what was left of the caller's 10 s after the trip
    expect(budget).toBeLessThanOrEqual(10_000);
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => call({ a: i, b: 1 }, 15_000)));
    expect(many.map((r) => r.v)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  }, 30_000);

  it("turns the handler's error code back into the same KitError", async () => {
    const failed = await call({ a: -1, b: 0 }, 10_000).catch((err: unknown) => err);
    expect(isKitError(failed)).toBe(true);
    expect(failed).toMatchObject({ code: Code.InvalidArgument, message: "a must not be negative" });
  }, 30_000);

  it("fails with deadline_exceeded when the reply does not come before the deadline", async () => {
    const started = Date.now();
    const failed = await call({ a: 1, b: 1, wait: 3_000 }, 800).catch((err: unknown) => err);
    expect(failed).toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now() - started).toBeLessThan(2_500);
  }, 30_000);

  it("publishes a record with the key from the request, the deadline and the hook's trace header, acked by the broker", async () => {
    const events = await topics.create("kit-events", 3);
    const publish = publisher(producer, events, encodeJSONMessage, {
      key: (e: { user: string }) => e.user,
      before: [
        (ctx, message) => {
          message.headers.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
          return ctx;
        },
      ],
    });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      await publish(ctx, { user: "u-1" });
      await publish(ctx, { user: "u-1" });
    } finally {
      cancel();
    }
    const [first, second] = await readRecords(kafka, events, 2);
    expect(first?.key?.toString()).toBe("u-1");
    expect(first?.value?.toString()).toBe('{"user":"u-1"}');
    expect(first?.headers?.traceparent?.toString()).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect(Number(first?.headers?.[timeoutHeader]?.toString())).toBeLessThanOrEqual(5_000);
    expect(first?.headers?.["content-type"]?.toString()).toBe("application/json");
    expect(second?.offset).toBe("1"); // one key, one partition, in order
    const [expired, stop] = withTimeout(background(), 0);
    stop();
    await expect(publish(expired, { user: "u-2" })).rejects.toMatchObject({ code: Code.DeadlineExceeded });
  }, 60_000);
});

describe("the requester's wait, on @kit/transport's ReplyCorrelator", () => {
  let silent: KafkaRequester<unknown, unknown>;
  let replyTopic: string;
  let requests: string;
  const outgoing: Map<string, string>[] = []; // each request's headers, as the requester wrote them

  beforeAll(async () => {
    requests = await topics.create("kit-unserved", 1); // nobody serves it
    replyTopic = await topics.createReplies(requests);
    silent = await requester(kafka, requests, encodeJSONMessage, decodeJSONMessage(), {
      replyTopic,
      consumer,
      timeout: 1_000,
      before: [
        (ctx, message) => {
          outgoing.push(message.headers);
          return ctx;
        },
      ],
    });
  }, 90_000);

  afterAll(async () => {
    await silent.close();
  });

  it("stops a call whose context has no deadline at its timeout (it used to wait forever), sending no kit-timeout", async () => {
    const started = Date.now();
    const failed = await silent(background(), { n: 1 }).catch((err: unknown) => err);
    expect(failed).toMatchObject({ code: Code.DeadlineExceeded, message: `Kafka topic ${requests}: no reply within 1000 ms` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const [record] = await readRecords(kafka, requests, 1);
    expect(record?.headers?.[timeoutHeader]).toBeUndefined();
  }, 30_000);

  it("reports a reply that is not JSON as internal (the server's fault), not invalid_argument", async () => {
    outgoing.length = 0;
    const [ctx, cancel] = withTimeout(background(), 15_000);
    const reply = silent(ctx, { n: 2 }).catch((err: unknown) => err);
    await until("the request to be sent", () => outgoing[0]?.get(correlationIdHeader) !== undefined);
    // A peer that is not Kit answers on the reply topic with the request's correlation id and a body that is not JSON.
    await producer.send({ topic: replyTopic, acks: -1, messages: [{ value: "<html>", headers: { [correlationIdHeader]: outgoing[0]?.get(correlationIdHeader) ?? "" } }] });
    const failed = await reply;
    cancel();
    expect(failed).toMatchObject({ code: Code.Internal });
    expect((failed as KitError).message).toMatch(new RegExp(`^Kafka topic ${requests}: malformed reply: malformed JSON`));
  }, 30_000);

  it("fails the calls still waiting with canceled on close, and later calls at once", async () => {
    const waiting = silent(background(), { n: 3 }).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await silent.close();
    expect(await waiting).toMatchObject({ code: Code.Canceled });
    await expect(silent(background(), { n: 4 })).rejects.toMatchObject({ code: Code.Canceled });
  }, 30_000);
});
