// Helpers for the integration tests: the broker at KAFKA_BROKERS (default 127.0.0.1:9092),
// unique topics and raw kafkajs reads and writes (a wait for a condition is @kit/test-support's until).
import { randomUUID } from "node:crypto";
import { until } from "@kit/test-support";
import { Kafka, logLevel, type Admin, type IHeaders, type KafkaMessage, type Producer } from "kafkajs";
import { createTopics } from "../src/create-topics.ts";
import { atLeastOnceProducer } from "../src/producer.ts";

export const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

export function newKafka(clientId = "kit-test"): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
}

/** A unique name, so reruns and other test files never share a topic or group. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The admin client, or a clear failure when no broker answers. */
export async function connectAdmin(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (err) {
    throw new Error(
      `no Kafka broker answers at ${brokers.join(",")} (${(err as Error).message}): start one with \`bash scripts/kafka.sh start\` or set KAFKA_BROKERS`,
      { cause: err },
    );
  }
  return admin;
}

/**
 * Topics created by one test file, deleted by `drop`. They are made with Kit's `createTopics`,
 * which waits until every partition has a leader and retries what kafkajs's
 * `createTopics({ waitForLeaders: true })` gives up on when the broker is busy ("This server does
 * not host this topic-partition").
 */
export class Topics {
  private readonly created: string[] = [];
  private readonly admin: Admin;
  private readonly kafka: Kafka;
  constructor(admin: Admin, kafka: Kafka = newKafka("kit-test-topics")) {
    this.admin = admin;
    this.kafka = kafka;
  }

  async create(prefix: string, partitions = 1): Promise<string> {
    const topic = unique(prefix);
    await createTopics(this.kafka, [{ topic, numPartitions: partitions }]);
    this.created.push(topic, `${topic}.dead-letter`);
    return topic;
  }

  /** Makes `<topic>.replies-<unique>`, a reply topic inside the reply namespace a subscriber on `topic` accepts by default. */
  async createReplies(topic: string): Promise<string> {
    const replies = unique(`${topic}.replies`);
    await createTopics(this.kafka, [{ topic: replies, numPartitions: 1 }]);
    this.created.push(replies);
    return replies;
  }

  /** Remembers a topic someone else created (a dead letter, a reply topic) for deletion. */
  track(topic: string): void {
    this.created.push(topic);
  }

  async drop(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const topics = this.created.filter((t) => existing.has(t));
    if (topics.length > 0) await this.admin.deleteTopics({ topics, timeout: 30_000 });
  }
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = atLeastOnceProducer(kafka);
  await producer.connect();
  return producer;
}

export interface Sent {
  key?: string;
  partition?: number;
  value: string;
  headers?: IHeaders;
}

/** Produces records in chunks, with acks from every replica. */
export async function produceAll(producer: Producer, topic: string, records: readonly Sent[]): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    const messages = records.slice(i, i + 500).map((r) => ({ key: r.key ?? null, value: r.value, headers: r.headers ?? {}, ...(r.partition === undefined ? {} : { partition: r.partition }) }));
    await producer.send({ topic, acks: -1, messages });
  }
}

/** Reads `count` records of a topic from the beginning with a plain kafkajs consumer; fails after `ms`. */
export async function readRecords(kafka: Kafka, topic: string, count: number, ms = 30_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: unique("kit-test-reader"), maxWaitTimeInMs: 200 });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
    await until(() => `${count} records read from ${topic} (read ${got.length})`, () => got.length >= count, { timeout: ms });
    return got;
  } finally {
    await consumer.disconnect();
  }
}

/** The group's committed offset for each partition of a topic (-1 when none). */
export async function committed(admin: Admin, groupId: string, topic: string): Promise<Map<number, string>> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, p.offset]));
}

/** Each partition's end offset (the next to be written). */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((p) => [p.partition, p.high]));
}

export const text = (body: Uint8Array): string => Buffer.from(body).toString("utf8");
