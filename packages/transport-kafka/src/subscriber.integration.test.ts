// Runs against the Kafka broker at KAFKA_BROKERS (default 127.0.0.1:9092): `bash scripts/kafka.sh start`.
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, exponentialBackoff, type MessageOutcome } from "@kit/transport";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { committed, connectAdmin, connectProducer, endOffsets, newKafka, produceAll, readRecords, text, Topics, unique } from "../test/broker.ts";
import type { KafkaRecord } from "./record.ts";
import { subscriber } from "./subscriber.ts";

interface Job {
  id: number;
  key: string;
  seq: number;
}

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let topics: Topics;

beforeAll(async () => {
  kafka = newKafka("kit-subscriber-test");
  admin = await connectAdmin(kafka);
  topics = new Topics(admin);
  producer = await connectProducer(kafka);
});

afterAll(async () => {
  await producer.disconnect();
  await topics.drop();
  await admin.disconnect();
});

const fast = exponentialBackoff({ base: 5, max: 50 });
const consumer = { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 };

/** `count` jobs over `keys` keys, numbered in order within each key. */
function jobs(count: number, keys: number): Job[] {
  const seqs = new Map<string, number>();
  return Array.from({ length: count }, (_, id) => {
    const key = `k${id % keys}`;
    const seq = seqs.get(key) ?? 0;
    seqs.set(key, seq + 1);
    return { id, key, seq };
  });
}

const records = (list: readonly Job[]) => list.map((job) => ({ key: job.key, value: JSON.stringify(job) }));

describe("subscriber against a real broker", () => {
  it("handles 10,000 records across partitions exactly once each, in order per key, and commits them all", async () => {
    const topic = await topics.create("kit-many", 4);
    const groupId = unique("kit-many");
    const all = jobs(10_000, 64);
    await produceAll(producer, topic, records(all));
    const seen = new Map<number, number>();
    const lastSeq = new Map<string, number>();
    const outOfOrder: string[] = [];
    let running = 0;
    let peak = 0;
    const handle: Endpoint<Job, void> = async (_ctx, job) => {
      running += 1;
      peak = Math.max(peak, running);
      if (job.id % 97 === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // let partitions interleave
      const before = lastSeq.get(job.key) ?? -1;
      if (job.seq !== before + 1) outOfOrder.push(`${job.key}: ${job.seq} after ${before}`);
      lastSeq.set(job.key, job.seq);
      seen.set(job.id, (seen.get(job.id) ?? 0) + 1);
      running -= 1;
    };
    const sub = await subscriber(kafka, topic, handle, decodeJSONMessage<Job>(), encodeJSONMessage, { groupId, fromBeginning: true, concurrency: 8, consumer });
    await until(() => `all ${all.length} handled (handled ${seen.size})`, () => seen.size === all.length, { timeout: 90_000 });
    await sub.close();
    expect(seen.size).toBe(10_000);
    expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
    expect(outOfOrder).toEqual([]);
    expect(peak).toBeGreaterThan(1); // partitions did run side by side
    expect(await committed(admin, groupId, topic)).toEqual(await endOffsets(admin, topic));
  }, 120_000);

  it("retries a retryable failure in place, then sends poison records to the dead letter exactly once and moves on", async () => {
    const topic = await topics.create("kit-poison", 1);
    const dlq = `${topic}.dead-letter`;
    await produceAll(producer, topic, [
      { key: "a", value: JSON.stringify({ n: 1 }) },
      { key: "a", value: "not json", headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } },
      { key: "a", value: JSON.stringify({ n: 2, fail: "flaky" }) },
      { key: "a", value: JSON.stringify({ n: 3, fail: "forbidden" }) },
      { key: "a", value: JSON.stringify({ n: 4, fail: "always" }) },
      { key: "a", value: JSON.stringify({ n: 5 }) },
    ]);
    const handled: number[] = [];
    const calls = new Map<number, number>();
    const outcomes: MessageOutcome[] = [];
    const handle: Endpoint<{ n: number; fail?: string }, void> = async (_ctx, req) => {
      const call = (calls.get(req.n) ?? 0) + 1;
      calls.set(req.n, call);
      if (req.fail === "flaky" && call < 3) throw new KitError(Code.Unavailable, "try again");
      if (req.fail === "forbidden") throw new KitError(Code.PermissionDenied, "not yours");
      if (req.fail === "always") throw new KitError(Code.Unavailable, "still down");
      handled.push(req.n);
      await Promise.resolve();
    };
    const sub = await subscriber(kafka, topic, handle, decodeJSONMessage(), encodeJSONMessage, {
      groupId: unique("kit-poison"),
      fromBeginning: true,
      maxAttempts: 3,
      backoff: fast,
      consumer,
      finalizer: [(_ctx, outcome) => void outcomes.push(outcome)],
    });
    await until(() => `record 5 handled (handled ${JSON.stringify(handled)})`, () => handled.includes(5), { timeout: 60_000 });
    await sub.close();
    expect(handled).toEqual([1, 2, 5]);
    expect(calls.get(2)).toBe(3); // failed twice, succeeded on the third attempt
    expect(calls.get(3)).toBe(1); // permission_denied is not retried
    expect(calls.get(4)).toBe(3); // retried up to maxAttempts
    const dead = await readRecords(kafka, dlq, 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await readRecords(kafka, dlq, 3);
    expect(again).toHaveLength(3); // nothing written twice
    const summary = dead.map((m) => ({
      value: m.value?.toString(),
      key: m.key?.toString(),
      code: m.headers?.["kit-error-code"]?.toString(),
      attempts: m.headers?.["kit-attempts"]?.toString(),
      offset: m.headers?.["kit-offset"]?.toString(),
      topic: m.headers?.["kit-topic"]?.toString(),
    }));
    expect(summary).toEqual([
      { value: "not json", key: "a", code: "invalid_argument", attempts: "1", offset: "1", topic },
      { value: JSON.stringify({ n: 3, fail: "forbidden" }), key: "a", code: "permission_denied", attempts: "1", offset: "3", topic },
      { value: JSON.stringify({ n: 4, fail: "always" }), key: "a", code: "unavailable", attempts: "3", offset: "4", topic },
    ]);
    expect(dead[0]?.headers?.traceparent?.toString()).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect(dead[2]?.headers?.["kit-error-message"]?.toString()).toBe("still down");
    expect(outcomes.map((o) => o.decision).filter((d) => d === "dead-lettered")).toHaveLength(3);
    expect(outcomes.filter((o) => o.decision === "retried").map((o) => o.attempt)).toEqual([1, 2, 1, 2]);
  }, 90_000);

  it("close() lets the records in flight finish and commits them; the group's next member starts after them", async () => {
    const topic = await topics.create("kit-drain", 2);
    const groupId = unique("kit-drain");
    const all = jobs(40, 2);
    await produceAll(producer, topic, records(all));
    const started: number[] = [];
    const finished: number[] = [];
    const slow: Endpoint<Job, void> = async (_ctx, job) => {
      started.push(job.id);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      finished.push(job.id);
    };
    const first = await subscriber(kafka, topic, slow, decodeJSONMessage<Job>(), encodeJSONMessage, { groupId, fromBeginning: true, consumer });
    await until(() => `2 records started (started ${started.length})`, () => started.length >= 2, { timeout: 30_000 });
    const inFlight = started.filter((id) => !finished.includes(id));
    expect(inFlight.length).toBeGreaterThan(0);
    await first.close();
    expect(finished).toEqual(expect.arrayContaining(inFlight)); // close waited for them
    const handledFirst = new Set(finished);
    expect(started.every((id) => handledFirst.has(id))).toBe(true); // nothing started was abandoned

    const later: number[] = [];
    const quick: Endpoint<Job, void> = async (_ctx, job) => {
      later.push(job.id);
      await Promise.resolve();
    };
    const second = await subscriber(kafka, topic, quick, decodeJSONMessage<Job>(), encodeJSONMessage, { groupId, fromBeginning: true, consumer });
    await until(() => `the rest handled by the second member (it handled ${later.length})`, () => later.length + handledFirst.size >= all.length, { timeout: 30_000 });
    await second.close();
    expect(later.filter((id) => handledFirst.has(id))).toEqual([]); // the first member's work was committed
    expect(new Set([...later, ...handledFirst]).size).toBe(all.length);
  }, 90_000);

  it("loses and duplicates nothing when a second member joins mid-stream, and keeps order per key with keyConcurrency", async () => {
    const topic = await topics.create("kit-rebalance", 4);
    const groupId = unique("kit-rebalance");
    const all = jobs(3_000, 32);
    const byMember = [new Set<number>(), new Set<number>()];
    const handledBy = new Map<number, number>();
    const seen = new Map<number, number>();
    const lastSeq = new Map<string, number>();
    const outOfOrder: string[] = [];
    const member =
      (index: number): Endpoint<Job, void> =>
      async (_ctx, job) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        const before = lastSeq.get(job.key) ?? -1;
        if (job.seq !== before + 1) outOfOrder.push(`${job.key}: ${job.seq} after ${before}`);
        lastSeq.set(job.key, job.seq);
        seen.set(job.id, (seen.get(job.id) ?? 0) + 1);
        byMember[index]?.add(job.id);
        handledBy.set(job.id, index);
      };
    const decisions: string[] = [];
    const options = { groupId, fromBeginning: true, consumer, keyConcurrency: 4, finalizer: [(_ctx: unknown, o: MessageOutcome) => void decisions.push(o.decision)] };
    const a = await subscriber(kafka, topic, member(0), decodeJSONMessage<Job>(), encodeJSONMessage, options);
    const producing = (async () => {
      for (let i = 0; i < all.length; i += 100) {
        await produceAll(producer, topic, records(all.slice(i, i + 100)));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await until(() => `300 handled before the second member (handled ${seen.size})`, () => seen.size >= 300, { timeout: 60_000 });
    const b = await subscriber(kafka, topic, member(1), decodeJSONMessage<Job>(), encodeJSONMessage, options);
    await producing;
    await until(() => `all ${all.length} handled (handled ${seen.size})`, () => seen.size === all.length, { timeout: 90_000 });
    await Promise.all([a.close(), b.close()]);
    expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(outOfOrder).toEqual([]);
    expect(byMember[1]?.size).toBeGreaterThan(0); // the new member took partitions over
    expect(decisions.filter((d) => d !== "succeeded")).toEqual([]); // nothing running was abandoned at the rebalance
    expect(await committed(admin, groupId, topic)).toEqual(await endOffsets(admin, topic));
  }, 150_000);

  it("with fetchAhead, runs records produced one by one side by side, one key at a time in order, and commits them all", async () => {
    const topic = await topics.create("kit-fetch-ahead", 1);
    const groupId = unique("kit-fetch-ahead");
    const all = jobs(7, 6); // keys k0…k5, then k0 again
    const started: Job[] = [];
    const finished: Job[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held: Endpoint<Job, void> = async (_ctx, job) => {
      started.push(job);
      await gate;
      finished.push(job);
    };
    const sub = await subscriber(kafka, topic, held, decodeJSONMessage<Job>(), encodeJSONMessage, { groupId, fromBeginning: true, consumer, keyConcurrency: 6, fetchAhead: true });
    try {
      for (const job of all.slice(0, 6)) {
        await produceAll(producer, topic, [{ key: job.key, value: JSON.stringify(job) }]); // a batch of its own: the one before it still runs
        await until(() => `record ${job.id} to start (${started.length} running)`, () => started.length === job.id + 1, { timeout: 15_000 });
      }
      const again = all[6];
      if (again === undefined) throw new Error("no seventh job");
      await produceAll(producer, topic, [{ key: again.key, value: JSON.stringify(again) }]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(started.map((job) => job.id)).toEqual([0, 1, 2, 3, 4, 5]); // k0's second record waits for its first
      open();
      await until(() => `all ${all.length} finished (finished ${finished.length})`, () => finished.length === all.length, { timeout: 15_000 });
    } finally {
      open();
      await sub.close();
    }
    const k0 = finished.filter((job) => job.key === "k0").map((job) => job.seq);
    expect(k0).toEqual([0, 1]);
    expect(new Set(finished.map((job) => job.id)).size).toBe(all.length); // none lost, none twice
    expect(await committed(admin, groupId, topic)).toEqual(await endOffsets(admin, topic));
  }, 90_000);

  it("with fetchAhead, loses nothing when a second member joins mid-stream, and commits everything (duplicates counted)", async () => {
    const topic = await topics.create("kit-fetch-ahead-rebalance", 4);
    const groupId = unique("kit-fetch-ahead-rebalance");
    const all = jobs(2_000, 32);
    const seen = new Map<number, number>();
    const member: Endpoint<Job, void> = async (_ctx, job) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.set(job.id, (seen.get(job.id) ?? 0) + 1);
    };
    const options = { groupId, fromBeginning: true, consumer, keyConcurrency: 4, fetchAhead: true };
    const a = await subscriber(kafka, topic, member, decodeJSONMessage<Job>(), encodeJSONMessage, options);
    const producing = (async () => {
      for (let i = 0; i < all.length; i += 100) {
        await produceAll(producer, topic, records(all.slice(i, i + 100)));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await until(() => `300 handled before the second member (handled ${seen.size})`, () => seen.size >= 300, { timeout: 60_000 });
    const b = await subscriber(kafka, topic, member, decodeJSONMessage<Job>(), encodeJSONMessage, options);
    await producing;
    await until(() => `all ${all.length} handled (handled ${seen.size})`, () => seen.size === all.length, { timeout: 90_000 });
    await Promise.all([a.close(), b.close()]);
    const lost = all.filter((job) => !seen.has(job.id)).length;
    const duplicated = [...seen.values()].filter((n) => n > 1).length;
    process.stdout.write(`[kafka fetchAhead rebalance] sent ${all.length}, handled ${seen.size}, lost ${lost}, duplicated ${duplicated}\n`);
    expect(lost).toBe(0);
    expect(await committed(admin, groupId, topic)).toEqual(await endOffsets(admin, topic));
  }, 150_000);

  it("counts a record's time in the topic against its kit-timeout: an expired one is dead-lettered deadline_exceeded", async () => {
    const topic = await topics.create("kit-queue-time");
    const ran = new Map<string, number | undefined>(); // id → the time the endpoint had left
    const sub = await subscriber(
      kafka,
      topic,
      (ctx, { id }: { id: string }) => (ran.set(id, ctx.deadline === undefined ? undefined : ctx.deadline - Date.now()), Promise.resolve(undefined)),
      decodeJSONMessage<{ id: string }>(),
      encodeJSONMessage,
      { groupId: unique("kit-queue-time"), fromBeginning: true, consumer, maxAttempts: 2, backoff: fast },
    );
    try {
      const produced = String(Date.now() - 1_200); // both waited 1.2 s in the topic
      await producer.send({
        topic,
        acks: -1,
        messages: [
          { value: JSON.stringify({ id: "expired" }), timestamp: produced, headers: { "kit-timeout": "200" } },
          { value: JSON.stringify({ id: "fresh" }), timestamp: produced, headers: { "kit-timeout": "4000" } },
        ],
      });
      const [dead] = await readRecords(kafka, `${topic}.dead-letter`, 1);
      expect([text(dead?.value ?? Buffer.alloc(0)), dead?.headers?.["kit-error-code"]?.toString()]).toEqual(['{"id":"expired"}', "deadline_exceeded"]);
      await until("the fresh record handled", () => ran.has("fresh"));
      expect(ran.get("fresh")).toBeLessThanOrEqual(4_000 - 1_200 + 200);
      expect(ran.get("fresh")).toBeGreaterThan(0);
    } finally {
      await sub.close();
    }
  }, 60_000);

  it("passes a record's key, partition and offset to the decoder", async () => {
    const topic = await topics.create("kit-record", 1);
    await produceAll(producer, topic, [{ key: "customer-7", value: "{}" }]);
    const got: { key: string | undefined; offset: string; partition: number; topic: string }[] = [];
    const sub = await subscriber(
      kafka,
      topic,
      async (_ctx, req: { key: string | undefined; offset: string; partition: number; topic: string }) => void got.push(await Promise.resolve(req)),
      (_ctx, m) => {
        const r = m as KafkaRecord;
        return { key: r.key?.toString(), offset: r.offset, partition: r.partition, topic: r.topic, body: text(r.body) };
      },
      encodeJSONMessage,
      { groupId: unique("kit-record"), fromBeginning: true, consumer },
    );
    await until("a record", () => got.length === 1, { timeout: 30_000 });
    await sub.close();
    expect(got[0]).toMatchObject({ key: "customer-7", offset: "0", partition: 0, topic });
  }, 60_000);
});
