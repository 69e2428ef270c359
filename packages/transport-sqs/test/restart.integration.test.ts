// A server restart, on an ElasticMQ of the test's own that keeps its queues and messages on disk
// (test/own-elasticmq.ts, port 15520; the shared server is never touched): while it is away
// (KIT_RESTART_DOWNTIME_MS for an outage of minutes) every publish fails at once with
// `unavailable`; once it is back the subscriber receives again by itself; every acknowledged
// publish is handled (none lost, duplicates counted).
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { background, Code, isKitError, type KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { describeAway, publishWhileAway, restartDowntime } from "@kit/transport/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnElasticMq } from "./own-elasticmq.ts";

/** How long the broker stays away: KIT_RESTART_DOWNTIME_MS, else only while a few publishes fail. */
const downtime = restartDowntime();

const port = 15_520;
let server: OwnBroker;

beforeAll(async () => {
  server = await startOwnElasticMq(port);
}, 90_000);

afterAll(async () => {
  await server.destroy();
});

it("survives a server restart: publishes fail fast with unavailable while it is away, the subscriber resumes, no acknowledged message is lost", { timeout: 240_000 + downtime }, async () => {
  // The SDK's defaults (3 attempts), as a user has them.
  const client = new SQSClient({ endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" } });
  const create = async (name: string): Promise<string> => (await client.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? "";
  const queueUrl = await create("kit-restart");
  const dlq = await create("kit-restart-dlq");

  const acked = new Set<number>();
  const handled = new Map<number, number>(); // n → times handled
  const handledAt = new Map<number, number>();
  const errors: KitError[] = [];
  const send = publisher(client, queueUrl, encodeJSONMessage, undefined);
  // No deadline: events must not expire in the queue while the subscriber is away (the SDK's attempts bound the wait).
  const tryPublish = async (n: number): Promise<KitError | undefined> => {
    try {
      await send(background(), { n });
      return undefined;
    } catch (err) {
      if (isKitError(err)) return err;
      throw err;
    }
  };
  const sub = subscriber(
    client,
    queueUrl,
    (_ctx, { n }: { n: number }) => {
      handled.set(n, (handled.get(n) ?? 0) + 1);
      if (!handledAt.has(n)) handledAt.set(n, Date.now());
      return Promise.resolve(undefined);
    },
    decodeJSONMessage<{ n: number }>(),
    encodeJSONMessage,
    { deadLetterQueueUrl: dlq, waitTimeSeconds: 1, visibilityTimeout: 5, errorHandler: { handle: (_ctx, err) => void errors.push(err) } },
  );
  try {
    await sub.ready;
    let next = 0;
    for (; next < 50; next++) if ((await tryPublish(next)) === undefined) acked.add(next);
    expect(acked.size).toBe(50);
    await until("handled before the restart", () => [...acked].every((n) => handled.has(n)), { timeout: 30_000 });

    await server.stop();
    const whileAway = await publishWhileAway(Date.now(), downtime, async () => {
      const n = next++;
      const failed = await tryPublish(n);
      if (failed === undefined) acked.add(n); // it cannot be: the server is down
      return failed;
    });
    expect(whileAway.filter((p) => p.code !== Code.Unavailable)).toEqual([]);
    expect(Math.max(...whileAway.map((p) => p.ms))).toBeLessThan(3_000);

    await server.start();
    const back = Date.now();
    const firstAfter = next;
    for (const end = next + 50; next < end; next++) if ((await tryPublish(next)) === undefined) acked.add(next);
    await until("every acknowledged message handled after the restart", () => [...acked].every((n) => handled.has(n)), { timeout: 90_000 });
    const resumedAt = Math.min(...[...handledAt].filter(([n]) => n >= firstAfter).map(([, at]) => at));
    const lost = [...acked].filter((n) => !handled.has(n));
    const duplicates = [...handled.values()].filter((times) => times > 1).length;
    console.log(
      `SQS restart: resumed ${String(resumedAt - back)} ms after the server answered again; ${String(acked.size)} acknowledged, ${String(lost.length)} lost, ${String(duplicates)} handled twice; ${describeAway(whileAway, downtime)}; ${String(errors.length)} errors reported: ${[...new Set(errors.map((e) => `${e.code}: ${e.message}`))].join(" | ")}`,
    );
    expect(lost).toEqual([]);
    expect(acked.size).toBe(100);
    expect(resumedAt - back).toBeLessThan(35_000); // the runtime's receive backoff, capped at 30 s, bounds it
    // The outage was reported once (each different failure of the receives once), and its end once.
    const failedReceives = errors.filter((err) => err.code === Code.Unavailable && err.message.startsWith("SQS receive from")).map((err) => err.message);
    expect(failedReceives.length).toBeGreaterThan(0);
    expect(failedReceives).toEqual([...new Set(failedReceives)]);
    const over = errors.filter((err) => err.message.includes("the outage is over"));
    expect(over).toHaveLength(1);
    expect(Number(/\((\d+) failed receives\)/.exec(over[0]?.message ?? "")?.[1])).toBeGreaterThan(failedReceives.length); // fewer reports than failures
  } finally {
    await sub.close().catch(() => undefined);
    client.destroy();
  }
});
