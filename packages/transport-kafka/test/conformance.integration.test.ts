// The conformance suite of @kit/transport/testing against the real Kafka (KAFKA_BROKERS, default
// 127.0.0.1:9092; `bash scripts/services.sh start`), each case on topics of its own; the broker
// restart case on a Kafka of the test's own (test/own-broker.ts, port 18510).
import type { Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { conformanceCases, garbageOfSize, spawnConsumer, type ConformanceDeadLetter, type ConformanceHarness, type Probe, type ProbeReply, type RequesterOptions } from "@kit/transport/testing";
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from "kafkajs";
import { createTopics } from "../src/create-topics.ts";
import { atLeastOnceProducer } from "../src/producer.ts";
import { afterAll, beforeAll, describe, test } from "vitest";
import { headersFromKafka } from "../src/headers.ts";
import { publisher } from "../src/publisher.ts";
import { requester, type KafkaRequester } from "../src/requester.ts";
import { subscriber } from "../src/subscriber.ts";
import { brokers, unique } from "./broker.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnKafka } from "./own-broker.ts";

const decode = decodeJSONMessage<Probe>();
const decodeReply = decodeJSONMessage<ProbeReply>();
/** Each probe its own key, so records of one partition run side by side (one key runs one at a time). */
const byId = (probe: Probe): string => String(probe.id);
const fast = { sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 };

/** One Kafka (the shared one, or the test's own) and what the harness made on it. */
class Cluster {
  readonly kafka: Kafka;
  readonly closers: (() => Promise<unknown>)[] = [];
  readonly #readers = new Map<string, ConformanceDeadLetter[]>();
  admin!: Admin;
  producer!: Producer;

  constructor(list: string[], retries = 8) {
    this.kafka = new Kafka({ clientId: "kit-conformance", brokers: list, logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 100, maxRetryTime: 1_000 } });
  }

  async connect(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.producer = atLeastOnceProducer(this.kafka);
    await this.producer.connect();
  }

  async close(): Promise<void> {
    for (const fn of this.closers.splice(0).reverse()) await fn().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  async address(label: string): Promise<string> {
    const topic = unique(`kit-conformance-${label}`);
    const topics = [topic, `${topic}.dead-letter`, `${topic}.replies`].map((name) => ({ topic: name, numPartitions: 1 }));
    await createTopics(this.kafka, topics);
    this.closers.push(() => this.admin.deleteTopics({ topics: topics.map((t) => t.topic), timeout: 30_000 }));
    return topic;
  }

  /** What `topic`'s dead-letter topic holds, read by a consumer started on the first call. */
  async deadLetters(topic: string): Promise<ConformanceDeadLetter[]> {
    let letters = this.#readers.get(topic);
    if (letters === undefined) {
      const got: ConformanceDeadLetter[] = [];
      letters = got;
      this.#readers.set(topic, got);
      const consumer: Consumer = this.kafka.consumer({ groupId: unique("kit-conformance-reader"), ...fast });
      this.closers.push(() => consumer.disconnect());
      await consumer.connect();
      await consumer.subscribe({ topic: `${topic}.dead-letter`, fromBeginning: true });
      await consumer.run({
        // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
        eachMessage: async ({ message }) => {
          got.push({ body: new Uint8Array(message.value ?? Buffer.alloc(0)), headers: headersFromKafka(message.headers) });
        },
      });
    }
    return [...letters];
  }

  /** A requester of `topic`, replies on `topic.replies`; one per topic for calls with no hooks or timeout. */
  requester(topic: string, options: RequesterOptions): Endpoint<Probe, ProbeReply> {
    const made = requester<Probe, ProbeReply>(this.kafka, topic, encodeJSONMessage, decodeReply, { ...options, replyTopic: `${topic}.replies`, producer: this.producer, consumer: fast, key: byId });
    this.closers.push(() => made.then((r: KafkaRequester<Probe, ProbeReply>) => r.close()));
    return async (ctx, probe) => (await made)(ctx, probe);
  }

  harness(name: string): ConformanceHarness {
    const groups = (topic: string): string => `kit-conformance-${topic}`;
    return {
      name,
      address: (label) => this.address(label),
      serve: (topic, endpoint, options) =>
        subscriber(this.kafka, topic, endpoint, decode, encodeJSONMessage, {
          ...options,
          groupId: groups(topic),
          fromBeginning: true,
          keyConcurrency: options.concurrency ?? 16, // records of different keys side by side, up to concurrency
          fetchAhead: true, // and of different batches: records that come one by one run side by side
          consumer: fast,
        }),
      requester: (topic, options) => this.requester(topic, options),
      publisher: (topic, options) => publisher<Probe>(this.producer, topic, encodeJSONMessage, { ...options, key: byId }),
      publishRaw: async (topic, body, headers) => {
        await this.producer.send({ topic, acks: -1, messages: [{ value: Buffer.from(body), headers: { ...headers } }] });
      },
      deadLetters: (topic) => this.deadLetters(topic),
      // A record the broker takes, which Kit's dead-letter headers push over its size limit.
      poisonWithoutDeadLetter: async (topic) => {
        await this.producer.send({ topic, acks: -1, messages: [{ value: Buffer.from(garbageOfSize(1_048_480)) }] });
      },
      killableConsumer: (topic) => spawnConsumer(new URL("conformance-child.ts", import.meta.url), [topic, groups(topic)]),
      serveBroken: (topic) =>
        subscriber(this.kafka, `${topic}.missing`, () => Promise.resolve({ id: 0 }), decode, encodeJSONMessage, {
          groupId: groups(`${topic}.missing`),
          consumer: { ...fast, allowAutoTopicCreation: false },
          errorHandler: { handle: () => undefined },
        }),
      redeliveryTime: 7_000,
    };
  }
}

describe("Kafka", () => {
  const cluster = new Cluster(brokers);
  beforeAll(() => cluster.connect());
  afterAll(() => cluster.close());
  const harness: ConformanceHarness = {
    ...cluster.harness("kafka"),
    // Request/reply runs about 12 a second here (see close-in-flight): 200 keeps the case bounded.
    growthMessages: 200,
  };
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case !== "broker-restart")) test(c.name, c.run, c.timeout);
});

describe("Kafka, restarted (a broker of the test's own)", () => {
  let own: OwnBroker;
  let cluster: Cluster;
  beforeAll(async () => {
    own = await startOwnKafka(18_510);
    cluster = new Cluster([own.url], 3);
    await cluster.connect();
  }, 120_000);
  afterAll(async () => {
    await cluster.close();
    await own.destroy();
  });
  const harness: ConformanceHarness = {
    name: "kafka (own broker)",
    address: (label) => cluster.harness("kafka").address(label),
    serve: (...args) => cluster.harness("kafka").serve(...args),
    requester: (...args) => cluster.harness("kafka").requester(...args),
    publisher: (topic, options) => publisher<Probe>(cluster.producer, topic, encodeJSONMessage, { ...options, key: byId }),
    restartBroker: async () => {
      await own.stop();
      await own.start();
    },
  };
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case === "broker-restart")) test(c.name, c.run, c.timeout);
});
