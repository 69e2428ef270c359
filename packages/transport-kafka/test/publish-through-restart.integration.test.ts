// Publishing through a broker restart, on a Kafka of the test's own (test/own-broker.ts, port
// 15550; the shared broker is never touched), with a kafkajs client on its default `retry` (which
// alone gives up on a send after 10-20 s) and an `atLeastOnceProducer`, as the README's example
// makes them: the broker stays away for 25 s; publishes made meanwhile with a deadline of 90 s,
// or none, succeed once it is back; one with a 3 s deadline fails with `deadline_exceeded`
// at its deadline, and one without a deadline whose wait is cut to 3 s (two minutes by default)
// with `unavailable`. Counted: published, acknowledged, lost (acknowledged, never in the topic),
// written twice. What the topic holds is read with kcat without a consumer group, each partition
// from offset 0 to its high watermark (test/whole-topic.ts): a fresh kafkajs consumer group on
// the broker that has just restarted can wait for its coordinator before it reads, which is not
// what this test measures.
import { background, Code, isKitError, withTimeout, type Endpoint } from "@kit/endpoint";
import { encodeJSONMessage } from "@kit/transport";
import { createOutgoingMessage } from "@kit/transport/driver";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTopics } from "../src/create-topics.ts";
import { produce } from "../src/internal/produce.ts";
import { atLeastOnceProducer } from "../src/producer.ts";
import { publisher } from "../src/publisher.ts";
import type { OwnBroker } from "@kit/test-support";
import { unique } from "./broker.ts";
import { startOwnKafka } from "./own-broker.ts";
import { readWholeTopic } from "./whole-topic.ts";

const downtime = 25_000;
let broker: OwnBroker;

beforeAll(async () => {
  broker = await startOwnKafka(15_550);
}, 120_000);

afterAll(async () => {
  await broker.destroy();
});

/** How one publish ended: acknowledged (no code) or failed with a code, after `ms`. */
interface Outcome {
  readonly n: number;
  readonly code?: string;
  readonly ms: number;
}

/** What the topic holds after the publishes: how often each `n` is in it, and each partition's high watermark beside the records read from it. */
interface Written {
  readonly times: ReadonlyMap<number, number>;
  readonly partitions: readonly { partition: number; high: number; read: number }[];
}

/** Reads the whole topic (kcat, no consumer group, within 30 s) and counts each `n` in it; the record of the wait cut short, if written after all, has no body. */
async function readBack(kafka: Kafka, topic: string): Promise<Written> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const records = await readWholeTopic(broker.url, topic, 30_000);
  const times = new Map<number, number>();
  for (const record of records) {
    if (record.value.length === 0) continue;
    const { n } = JSON.parse(record.value) as { n: number };
    times.set(n, (times.get(n) ?? 0) + 1);
  }
  const partitions = offsets.map((p) => ({ partition: p.partition, high: Number(p.high), read: records.filter((r) => r.partition === p.partition).length }));
  return { times, partitions };
}

/** Publishes `{ n }` with a deadline `ms` from now (none when `undefined`); never rejects. */
async function publishOne(send: Endpoint<{ n: number }, void>, n: number, ms: number | undefined): Promise<Outcome> {
  const [ctx, cancel] = ms === undefined ? [background(), () => undefined] : withTimeout(background(), ms);
  const started = Date.now();
  try {
    await send(ctx, { n });
    return { n, ms: Date.now() - started };
  } catch (err) {
    if (!isKitError(err)) throw err;
    return { n, code: err.code, ms: Date.now() - started };
  } finally {
    cancel();
  }
}

it("a publish outlasts a broker restart with kafkajs's default retry: acknowledged once the broker is back, or deadline_exceeded at its deadline; none lost", { timeout: 240_000 }, async () => {
  const kafka = new Kafka({ clientId: "kit-publish-through-restart", brokers: [broker.url], logLevel: logLevel.NOTHING }); // kafkajs's default retry
  const topic = unique("kit-through-restart");
  await createTopics(kafka, [{ topic, numPartitions: 2 }]);
  const producer: Producer = atLeastOnceProducer(kafka);
  await producer.connect();
  const send = publisher(producer, topic, encodeJSONMessage, { key: (m: { n: number }) => String(m.n % 5) });
  try {
    const before = await Promise.all(Array.from({ length: 20 }, (_, n) => publishOne(send, n, 10_000)));
    expect(before.filter((o) => o.code !== undefined)).toEqual([]);

    await broker.stop();
    const stoppedAt = Date.now();
    const whileAway: Promise<Outcome>[] = [publishOne(send, 20, 3_000), publishOne(send, 21, undefined)];
    const noDeadlineStarted = Date.now();
    const noDeadline = produce(background(), producer, topic, null, createOutgoingMessage(), 3_000).then(
      () => ({ code: "acknowledged", message: "", ms: Date.now() - noDeadlineStarted }),
      (err: unknown) => ({ code: isKitError(err) ? err.code : "not a KitError", message: (err as Error).message, ms: Date.now() - noDeadlineStarted }),
    );
    // One publish every 500 ms while the broker is away, each willing to wait 90 s (a slow restart included).
    for (let n = 22; Date.now() - stoppedAt < downtime; n++) {
      whileAway.push(publishOne(send, n, 90_000));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const shortDeadline = await whileAway[0];
    const cutShort = await noDeadline;
    await broker.start();
    const backAt = Date.now();
    const away = await Promise.all(whileAway);
    const lastAcknowledgedAt = Date.now();
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => publishOne(send, 1_000 + i, 10_000)));

    const outcomes = [...before, ...away, ...after];
    const acknowledged = outcomes.filter((o) => o.code === undefined).map((o) => o.n);
    const written = await readBack(kafka, topic);
    const lost = acknowledged.filter((n) => !written.times.has(n));
    const twice = acknowledged.filter((n) => (written.times.get(n) ?? 0) > 1);
    const partitions = written.partitions.map((p) => `${String(p.read)} of ${String(p.high)}`).join(", ");
    console.log(
      `Kafka publish through a restart (${String(downtime)} ms away, back ${String(backAt - stoppedAt)} ms after the stop): ${String(outcomes.length)} published, ${String(acknowledged.length)} acknowledged, ${String(lost.length)} lost, ${String(twice.length)} written twice (records read by partition, of its high watermark: ${partitions}); the 3 s deadline ended with ${String(shortDeadline?.code)} in ${String(shortDeadline?.ms)} ms, the 3 s wait without one with ${cutShort.code} in ${String(cutShort.ms)} ms; the publishes made while away were acknowledged in ${String(Math.min(...away.slice(1).map((o) => o.ms)))}-${String(Math.max(...away.slice(1).map((o) => o.ms)))} ms, the last ${String(lastAcknowledgedAt - backAt)} ms after the broker answered`,
    );
    expect(shortDeadline).toMatchObject({ n: 20, code: Code.DeadlineExceeded });
    expect(cutShort).toMatchObject({ code: Code.Unavailable, message: expect.stringMatching(new RegExp(`^Kafka produce to topic ${topic}: not acknowledged within 3000 ms \\(the context has no deadline\\)`)) as unknown });
    expect(cutShort.ms).toBeGreaterThanOrEqual(2_900);
    expect(cutShort.ms).toBeLessThan(6_000);
    expect(shortDeadline?.ms).toBeGreaterThanOrEqual(2_900);
    expect(shortDeadline?.ms).toBeLessThan(6_000);
    expect(away.slice(1).filter((o) => o.code !== undefined)).toEqual([]); // each waited for the broker, with a deadline or without
    expect(away.length).toBeGreaterThan(40);
    expect(after.filter((o) => o.code !== undefined)).toEqual([]);
    expect(written.partitions.filter((p) => p.read !== p.high)).toEqual([]); // the reader saw all the broker holds
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
});
