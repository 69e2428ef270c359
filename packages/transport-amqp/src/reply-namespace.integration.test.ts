// Against the RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672): the subscriber's
// reply namespace. A request whose reply_to names a queue outside it is dead-lettered as
// permission_denied and nothing is sent to that queue; Kit's own requesters (direct reply-to) are
// still answered; a namespace of the user's choosing admits a reply queue of their own.
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type Subscriber } from "@kit/transport";
import type { ChannelModel, ConfirmChannel, GetMessage } from "amqplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deleteTopology, open, ready, uniqueQueue, watch } from "../test/support.ts";
import { connect, type AmqpConnection } from "./connection.ts";
import { publisher } from "./publisher.ts";
import { subscriber, type AmqpSubscriberOptions } from "./subscriber.ts";
import { assertTopology, type Topology } from "./topology.ts";

interface Sum {
  a: number;
  b: number;
}

let connection: ChannelModel;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  connection = await open();
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

afterAll(async () => {
  await connection.close();
});

async function confirmChannel(): Promise<ConfirmChannel> {
  const channel = watch(await connection.createConfirmChannel());
  cleanup.push(() => channel.close());
  return channel;
}

/** A fresh topology and a queue outside it (the one a forged request points at), deleted after the test. */
async function queues(label: string): Promise<{ topology: Topology; victim: string }> {
  const channel = watch(await connection.createChannel());
  const topology = await assertTopology(channel, uniqueQueue(label));
  const victim = uniqueQueue(`${label}-victim`);
  await channel.assertQueue(victim, { durable: false });
  await channel.close();
  cleanup.push(async () => {
    await deleteTopology(connection, topology);
    const closing = watch(await connection.createChannel());
    await closing.deleteQueue(victim);
    await closing.close();
  });
  return { topology, victim };
}

/** Publishes a request the way a non-Kit producer would: any `reply_to` it likes. */
async function forge(queue: string, body: Sum, replyTo: string, correlationId: string): Promise<void> {
  const channel = watch(await connection.createConfirmChannel());
  channel.sendToQueue(queue, Buffer.from(JSON.stringify(body)), { replyTo, correlationId, persistent: true });
  await channel.waitForConfirms();
  await channel.close();
}

/** Takes every message off a queue. */
async function drain(queue: string): Promise<GetMessage[]> {
  const channel = watch(await connection.createChannel());
  const got: GetMessage[] = [];
  for (let i = 0; i < 1_000; i++) {
    const message = await channel.get(queue, { noAck: true });
    if (message === false) break;
    got.push(message);
  }
  await channel.close();
  return got;
}

function serve(on: AmqpConnection | ConfirmChannel, queue: string, endpoint: Endpoint<Sum, { v: number }>, options: AmqpSubscriberOptions = {}): Subscriber {
  const sub = subscriber(on, queue, endpoint, decodeJSONMessage<Sum>(), encodeJSONMessage, { errorHandler: { handle: () => undefined }, ...options });
  cleanup.push(() => sub.close());
  return sub;
}

describe("subscriber: reply namespace", () => {
  it("dead-letters a request whose reply_to is another queue, and still answers Kit's requesters", { timeout: 30_000 }, async () => {
    const { topology, victim } = await queues("reply-policy");
    const handled: Sum[] = [];
    const reported: string[] = [];
    const sub = serve(await confirmChannel(), topology.queue, (_ctx, sum) => (handled.push(sum), Promise.resolve({ v: sum.a + sum.b })), {
      errorHandler: { handle: (_ctx, err) => void reported.push(err.code) },
    });
    await sub.ready;

    await forge(topology.queue, { a: 1, b: 1 }, victim, "forged");
    const sum = publisher(await confirmChannel(), topology.queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await sum(ctx, { a: 2, b: 3 })).toEqual({ v: 5 });
    } finally {
      cancel();
    }

    await until("the forged request dead-lettered", async () => (await ready(connection, topology.deadLetterQueue)) === 1);
    const [dead] = await drain(topology.deadLetterQueue);
    const headers = dead?.properties.headers ?? {};
    expect(headers["kit-error-code"]).toBe("permission_denied");
    expect(headers["kit-error-message"]).toBe(`reply_to ${JSON.stringify(victim)} is outside the subscriber's reply namespace; not answered`);
    expect(dead?.properties.replyTo).toBe(victim); // kept as it came, for whoever looks at it
    expect(JSON.parse(dead?.content.toString() ?? "")).toEqual({ a: 1, b: 1 });
    expect(handled).toEqual([{ a: 2, b: 3 }]); // the forged request never reached the endpoint
    expect(await ready(connection, victim)).toBe(0); // and nothing was sent where it pointed
    expect(reported).toEqual(["permission_denied"]); // reported once, not retried
    expect(await ready(connection, topology.queue)).toBe(0);
    expect(await ready(connection, topology.retryQueue)).toBe(0);
  });

  it("answers on a reply queue inside a namespace the user configured, on a connection from connect()", { timeout: 30_000 }, async () => {
    const { topology, victim: replies } = await queues("reply-open");
    const managed = await connect(process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672");
    cleanup.push(() => managed.close());
    const sub = serve(managed, topology.queue, (_ctx, sum) => Promise.resolve({ v: sum.a + sum.b }), { replyNamespace: [replies] });
    await sub.ready;

    await forge(topology.queue, { a: 4, b: 5 }, replies, "mine");
    await until("the reply on the configured queue", async () => (await ready(connection, replies)) === 1);
    const [answer] = await drain(replies);
    expect(answer?.properties.correlationId).toBe("mine");
    expect(JSON.parse(answer?.content.toString() ?? "")).toEqual({ v: 9 });

    // The configured namespace replaces the default: Kit's direct reply-to is now outside it.
    await forge(topology.queue, { a: 1, b: 1 }, "amq.rabbitmq.reply-to.someone-else", "direct");
    await until("the direct reply-to request dead-lettered", async () => (await ready(connection, topology.deadLetterQueue)) === 1);
    const [dead] = await drain(topology.deadLetterQueue);
    expect(dead?.properties.headers?.["kit-error-code"]).toBe("permission_denied");
  });

  it("refuses a replyNamespace that is not a list of prefixes", async () => {
    const channel = await confirmChannel();
    expect(() => subscriber(channel, "q", () => Promise.resolve(null), decodeJSONMessage(), encodeJSONMessage, { replyNamespace: "amq." as unknown as string[] })).toThrow(
      /options\.replyNamespace must be an array of queue-name prefixes/,
    );
  });
});
