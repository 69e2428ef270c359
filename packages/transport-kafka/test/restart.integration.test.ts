// A broker restart, on a Kafka of the test's own (test/own-broker.ts, port 15510; the shared
// broker is never touched): while the broker is away (KIT_RESTART_DOWNTIME_MS for an outage of
// minutes) a publish waits for it until its context's deadline and then fails with
// `deadline_exceeded` (a 1 s deadline here), not a 30 s hang; once it is back the subscriber
// consumes again by itself; every acknowledged publish is handled (none lost, duplicates counted).
// test/publish-through-restart.integration.test.ts shows publishes that outlast the outage.
import { background, Code, isKitError, withTimeout, type Context, type KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { describeAway, publishWhileAway, restartDowntime } from "@kit/transport/testing";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { createTopics } from "../src/create-topics.ts";
import { atLeastOnceProducer } from "../src/producer.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { unique } from "./broker.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnKafka } from "./own-broker.ts";
import { publisher } from "../src/publisher.ts";
import { subscriber, type KafkaSubscriber } from "../src/subscriber.ts";

/** How long the broker stays away: KIT_RESTART_DOWNTIME_MS, else only while a few publishes fail. */
const downtime = restartDowntime();

const port = 15_510;
let broker: OwnBroker;

beforeAll(async () => {
  broker = await startOwnKafka(port);
}, 120_000);

afterAll(async () => {
  await broker.destroy();
});

/**
 * Publishes `n`, with a deadline `ms` from now or with none (events must not expire in the topic
 * while the subscriber is away); resolves with the error, or `undefined` once the broker
 * acknowledged it.
 */
async function tryPublish(send: (ctx: Context, n: { n: number }) => Promise<void>, n: number, ms?: number): Promise<KitError | undefined> {
  const [ctx, cancel] = ms === undefined ? [background(), () => undefined] : withTimeout(background(), ms);
  try {
    await send(ctx, { n });
    return undefined;
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  } finally {
    cancel();
  }
}

it("survives a broker restart: publishes end at their deadline while it is away, the subscriber resumes, no acknowledged message is lost", { timeout: 300_000 + downtime }, async () => {
  // Short retries, so the subscriber's consumer crashes and restarts during the outage.
  const kafka = new Kafka({ clientId: "kit-restart", brokers: [broker.url], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 } });
  const topic = unique("kit-restart");
  await createTopics(kafka, [{ topic, numPartitions: 2 }]);

  const acked = new Set<number>();
  const handled = new Map<number, number>(); // n → times handled
  const handledAt = new Map<number, number>();
  const errors: KitError[] = [];
  const producer: Producer = atLeastOnceProducer(kafka);
  await producer.connect();
  const send = publisher(producer, topic, encodeJSONMessage, { key: (m: { n: number }) => String(m.n % 7) });
  const sub: KafkaSubscriber = await subscriber(
    kafka,
    topic,
    (_ctx, { n }: { n: number }) => {
      handled.set(n, (handled.get(n) ?? 0) + 1);
      if (!handledAt.has(n)) handledAt.set(n, Date.now());
      return Promise.resolve(undefined);
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { groupId: unique("kit-restart"), fromBeginning: true, errorHandler: { handle: (_ctx, err) => void errors.push(err) } }, // the default consumer settings
  );
  try {
    let next = 0;
    for (; next < 50; next++) if ((await tryPublish(send, next)) === undefined) acked.add(next);
    expect(acked.size).toBe(50);
    await until(() => `every acknowledged event handled before the restart (handled ${String(handled.size)} of ${String(acked.size)})`, () => [...acked].every((n) => handled.has(n)), { timeout: 30_000 });

    const reportedBefore = errors.length; // a fresh broker's coordinator may still be loading at the first join
    await broker.stop();
    const whileAway = await publishWhileAway(Date.now(), downtime, async () => {
      const n = next++;
      const failed = await tryPublish(send, n, 1_000); // a caller that waits 1 s for the broker
      if (failed === undefined) acked.add(n); // it cannot be: the broker is down
      return failed;
    });
    expect(whileAway.filter((p) => p.code !== Code.DeadlineExceeded)).toEqual([]);
    expect(Math.max(...whileAway.map((p) => p.ms))).toBeLessThan(5_000); // the context's deadline: no 30 s hang

    await broker.start();
    const back = Date.now();
    const firstAfter = next;
    // Publish as a caller with a retry would: each message until the broker acknowledges it (bounded).
    for (const end = next + 50; next < end; next++) {
      for (let attempt = 0; attempt < 20; attempt++) {
        if ((await tryPublish(send, next)) === undefined) {
          acked.add(next);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    await until(
      () => `every acknowledged event handled (handled ${String([...acked].filter((n) => handled.has(n)).length)} of ${String(acked.size)}; the last errors reported: ${errors.slice(-5).map((e) => `${e.code}: ${e.message}`).join(" | ")})`,
      () => [...acked].every((n) => handled.has(n)),
      { timeout: 90_000 },
    );
    const resumedAt = Math.min(...[...handledAt].filter(([n]) => n >= firstAfter).map(([, at]) => at));
    const lost = [...acked].filter((n) => !handled.has(n));
    const duplicates = [...handled.values()].filter((times) => times > 1).length;
    console.log(
      `Kafka restart: resumed ${String(resumedAt - back)} ms after the broker answered again; ${String(acked.size)} acknowledged, ${String(lost.length)} lost, ${String(duplicates)} handled twice; ${describeAway(whileAway, downtime)}; ${String(errors.length)} errors reported: ${[...new Set(errors.map((e) => `${e.code}: ${e.message}`))].join(" | ")}`,
    );
    expect(lost).toEqual([]);
    expect(acked.size).toBe(100);
    expect(resumedAt - back).toBeLessThan(5_000); // the abandoned member is left for at once, not waited out (its sessionTimeout)
    // The outage was reported, each different error once (not at each of kafkajs's restarts), and its end once.
    const outage = errors.slice(reportedBefore);
    expect(outage.filter((e) => e.message.includes("ECONNREFUSED"))).toHaveLength(1);
    expect(new Set(outage.map((e) => e.message)).size).toBe(outage.length);
    expect(outage.filter((e) => e.message.includes("the outage is over"))).toHaveLength(1);
  } finally {
    await sub.close().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
});
