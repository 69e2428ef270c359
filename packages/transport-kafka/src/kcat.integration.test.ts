// Runs against the Kafka broker at KAFKA_BROKERS (default 127.0.0.1:9092) with kcat, a Kafka
// client that is not Kit (Debian: `apt-get install -y kcat`): a record kcat produces is handled
// by a Kit subscriber, and a record a Kit publisher produces is read by kcat.
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type Message } from "@kit/transport";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { brokers, connectAdmin, connectProducer, newKafka, Topics, unique } from "../test/broker.ts";
import { publisher } from "./publisher.ts";
import { subscriber } from "./subscriber.ts";

const run = promisify(execFile);
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let topics: Topics;

beforeAll(async () => {
  const probe = spawnSync("kcat", ["-V"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error("kcat is not installed: these tests need it as a Kafka client that is not Kit (Debian: `apt-get install -y kcat`)");
  }
  kafka = newKafka("kit-kcat-test");
  admin = await connectAdmin(kafka);
  topics = new Topics(admin);
  producer = await connectProducer(kafka);
});

afterAll(async () => {
  await producer.disconnect();
  await topics.drop();
  await admin.disconnect();
});

it("handles a record that kcat produced, with its key and headers", async () => {
  const topic = await topics.create("kit-from-kcat", 1);
  const kcat = run("kcat", ["-b", brokers.join(","), "-P", "-t", topic, "-k", "order-9", "-H", "traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "-H", "kit-timeout=5000"]);
  kcat.child.stdin?.end('{"qty":3}');
  await kcat;
  const got: { qty: number; traceparent: string | null | undefined; deadline: number | undefined }[] = [];
  const handle: Endpoint<{ qty: number; traceparent: string | null | undefined }, void> = async (ctx, req) => {
    got.push({ ...req, deadline: ctx.deadline });
    await Promise.resolve();
  };
  const sub = await subscriber(
    kafka,
    topic,
    handle,
    async (ctx, m: Message) => ({ ...(await decodeJSONMessage<{ qty: number }>()(ctx, m)), traceparent: m.headers.get("traceparent") }),
    encodeJSONMessage,
    { groupId: unique("kit-from-kcat"), fromBeginning: true, consumer: { maxWaitTimeInMs: 200 } },
  );
  await until("the Kit subscriber to get the record kcat wrote", () => got.length === 1, { timeout: 30_000 });
  await sub.close();
  expect(got[0]).toMatchObject({ qty: 3, traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
  expect(got[0]?.deadline).toBeDefined(); // kit-timeout from a non-Kit producer became the handler's deadline
});

it("produces a record that kcat reads: key, JSON body and headers", async () => {
  const topic = await topics.create("kit-to-kcat", 1);
  const publish = publisher(producer, topic, encodeJSONMessage, { key: (o: { id: string }) => o.id });
  const [ctx, cancel] = withTimeout(background(), 5_000);
  try {
    await publish(ctx, { id: "o-42" });
  } finally {
    cancel();
  }
  const { stdout } = await run("kcat", ["-b", brokers.join(","), "-C", "-t", topic, "-o", "beginning", "-c", "1", "-e", "-q", "-f", "%k\\n%s\\n%h\\n"], { timeout: 30_000 });
  const [key, body, headers] = stdout.split("\n");
  expect(key).toBe("o-42");
  expect(JSON.parse(body ?? "")).toEqual({ id: "o-42" });
  expect(headers).toContain("content-type=application/json");
  expect(headers).toMatch(/kit-timeout=\d{1,4}/);
});
