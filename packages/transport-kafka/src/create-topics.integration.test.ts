// createTopics against the broker at KAFKA_BROKERS (default 127.0.0.1:9092): many at once from
// clients of their own (two services starting together), topics that exist already, and a bound
// that runs out on a port where no broker listens.
import { Code, isKitError } from "@kit/endpoint";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { connectAdmin, newKafka, Topics, unique } from "../test/broker.ts";
import { createTopics } from "./create-topics.ts";

const kafka = newKafka("kit-create-topics");
const admin = await connectAdmin(kafka);
const topics = new Topics(admin);

afterAll(async () => {
  await topics.drop();
  await admin.disconnect();
});

/** Each topic's partitions that have a leader, as the cluster's metadata says. */
async function leaders(names: readonly string[]): Promise<Record<string, number>> {
  const { topics: found } = await admin.fetchTopicMetadata({ topics: [...names] });
  return Object.fromEntries(found.map((t) => [t.name, t.partitions.filter((p) => p.leader >= 0).length]));
}

/** A name for this file's topics, remembered for deletion. */
function topicName(prefix: string): string {
  const name = unique(prefix);
  topics.track(name);
  return name;
}

describe("createTopics", () => {
  // kafkajs's admin.createTopics({ waitForLeaders: true }) under this load (16 at once, 3
  // partitions): 48 of 480 failed with UNKNOWN_TOPIC_OR_PARTITION on a shared 2-core machine.
  it("creates topic sets side by side, from clients of their own, without one failure", async () => {
    const failures: string[] = [];
    const made: string[] = [];
    for (let round = 0; round < 6; round++) {
      const sets = Array.from({ length: 16 }, () => [topicName("ct-requests"), topicName("ct-requests.replies")]);
      made.push(...sets.flat());
      await Promise.all(
        sets.map(async (set, i) => {
          await createTopics(newKafka(`kit-create-topics-${String(i)}`), set, { numPartitions: 3 }).catch((err: unknown) => {
            failures.push((err as Error).message);
          });
        }),
      );
    }
    expect(failures).toEqual([]);
    expect(await leaders(made)).toEqual(Object.fromEntries(made.map((t) => [t, 3])));
  }, 120_000);

  it("takes topics that exist already as created, leaves them as they are, and creates the others, each once", async () => {
    const old = topicName("ct-old");
    await createTopics(kafka, [old]);
    const fresh = topicName("ct-fresh");
    await Promise.all([createTopics(kafka, [old, { topic: fresh, numPartitions: 2 }], { numPartitions: 3 }), createTopics(newKafka("kit-create-topics-other"), [fresh, old], { numPartitions: 2 })]);
    expect(await leaders([old, fresh])).toEqual({ [old]: 1, [fresh]: 2 });
    const twice = topicName("ct-twice");
    await createTopics(kafka, [twice, { topic: twice, numPartitions: 5 }, old], { numPartitions: 2 }); // each topic once, as first given
    expect(await leaders([twice])).toEqual({ [twice]: 2 });
  }, 60_000);

  it("fails with unavailable, naming the topics, once its bound runs out where no broker answers", async () => {
    const nowhere = new Kafka({ clientId: "kit-create-topics-nowhere", brokers: ["127.0.0.1:1"], logLevel: logLevel.NOTHING });
    const started = Date.now();
    const err: unknown = await createTopics(nowhere, ["ct-a", "ct-b"], { timeout: 1_500 }).catch((thrown: unknown) => thrown);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(isKitError(err) && { code: err.code, message: err.message }).toEqual({
      code: Code.Unavailable,
      message: "Kafka create topics ct-a, ct-b: no broker answered within 1500 ms",
    });
  }, 30_000);

  it("fails at once, without waiting out its bound, on a topic name Kafka refuses and on a config kafkajs refuses", async () => {
    const started = Date.now();
    const err: unknown = await createTopics(kafka, ["not a topic name!"], { timeout: 20_000 }).catch((thrown: unknown) => thrown);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(isKitError(err) && err.code).toBe(Code.InvalidArgument);
    expect((err as Error).message).toMatch(/^Kafka create topics not a topic name!: /);
    const refused: unknown = await createTopics(kafka, [{ topic: topicName("ct-bad-config"), configEntries: [{ name: "retention.ms" }] } as never], { timeout: 20_000 }).catch((thrown: unknown) => thrown);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(isKitError(refused) && refused.code).toBe(Code.InvalidArgument);
  }, 30_000);
});
