// Against the RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672): throughput with
// exactly-once acks, a consumer dying with messages in flight, poison messages, retries that
// outlive their consumer, and close() draining what is in flight.
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type Message, type MessageOutcome } from "@kit/transport";
import type { ChannelModel, ConfirmChannel, GetMessage } from "amqplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deleteTopology, errorsOf, gate, open, ready, uniqueQueue, watch } from "../test/support.ts";
import { subscriber } from "./subscriber.ts";
import { assertTopology, type Topology, type TopologyOptions } from "./topology.ts";

interface Job {
  id: number;
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

async function confirmChannel(on: ChannelModel = connection): Promise<ConfirmChannel> {
  const channel = watch(await on.createConfirmChannel());
  channel.on("close", () => undefined);
  return channel;
}

/** A fresh topology, deleted after the test. */
async function topology(label: string, options: TopologyOptions = {}): Promise<Topology> {
  const channel = await confirmChannel();
  const names = await assertTopology(channel, uniqueQueue(label), options);
  await channel.close();
  cleanup.push(() => deleteTopology(connection, names));
  return names;
}

/** Publishes `bodies` to `queue` and waits for the broker's confirms. */
async function publish(queue: string, bodies: readonly (string | object)[], headers: Record<string, string> = {}): Promise<void> {
  const channel = await confirmChannel();
  for (const body of bodies) {
    channel.sendToQueue(queue, Buffer.from(typeof body === "string" ? body : JSON.stringify(body)), { headers, persistent: true });
  }
  await channel.waitForConfirms();
  await channel.close();
}

/** Takes every message off a queue (acknowledging them). */
async function drainQueue(queue: string): Promise<GetMessage[]> {
  const channel = await confirmChannel();
  const got: GetMessage[] = [];
  for (let i = 0; i < 10_000; i++) {
    const message = await channel.get(queue, { noAck: true });
    if (message === false) break;
    got.push(message);
  }
  await channel.close();
  return got;
}

const fast = { backoff: () => 20 };

describe("subscriber", () => {
  it(
    "handles 10,000 messages with concurrency 16, acknowledging each exactly once and leaving none on the broker",
    { timeout: 180_000 },
    async () => {
      const names = await topology("load");
      const total = 10_000;
      await publish(
        names.queue,
        Array.from({ length: total }, (_, id) => ({ id })),
      );
      const handled = new Map<number, number>();
      let running = 0;
      let peak = 0;
      const endpoint: Endpoint<Job, null> = async (_ctx, { id }) => {
        running += 1;
        peak = Math.max(peak, running);
        handled.set(id, (handled.get(id) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return null;
      };
      const decisions = new Map<string, number>();
      const channel = await confirmChannel();
      const sub = subscriber(channel, names.queue, endpoint, decodeJSONMessage<Job>(), encodeJSONMessage, {
        concurrency: 16,
        finalizer: [
          (_ctx, outcome: MessageOutcome) => {
            decisions.set(outcome.decision, (decisions.get(outcome.decision) ?? 0) + 1);
          },
        ],
      });
      await until("10,000 acknowledged", () => decisions.get("succeeded") === total, { timeout: 150_000 });
      await sub.close();
      await channel.close(); // anything left unacknowledged would go back to the queue now

      expect(handled.size).toBe(total);
      expect([...handled.values()].every((count) => count === 1)).toBe(true);
      expect(Object.fromEntries(decisions)).toEqual({ succeeded: total });
      expect(peak).toBeLessThanOrEqual(16);
      expect(errorsOf(channel)).toEqual([]); // a second ack of one delivery would have closed the channel
      expect(await ready(connection, names.queue)).toBe(0);
      expect(await ready(connection, names.retryQueue)).toBe(0);
      expect(await ready(connection, names.deadLetterQueue)).toBe(0);
    },
  );

  it("redelivers to another consumer every message a dead consumer held unacknowledged", { timeout: 60_000 }, async () => {
    const names = await topology("crash");
    const total = 40;
    await publish(
      names.queue,
      Array.from({ length: total }, (_, id) => ({ id })),
    );

    const doomed = await open();
    const stuck = gate();
    const heldByDoomed = new Set<number>();
    const doomedChannel = await confirmChannel(doomed);
    const first = subscriber(
      doomedChannel,
      names.queue,
      async (_ctx, { id }: Job) => {
        heldByDoomed.add(id);
        await stuck.promise;
        return null;
      },
      decodeJSONMessage<Job>(),
      encodeJSONMessage,
      { concurrency: 8 },
    );
    await until("the first consumer to hold 8 messages", () => heldByDoomed.size === 8, { timeout: 30_000 });
    await doomed.close(); // dies without acknowledging anything
    stuck.open();
    await first.close();

    const attempts = new Map<number, number>();
    const channel = await confirmChannel();
    const second = subscriber(
      channel,
      names.queue,
      () => Promise.resolve(null),
      decodeJSONMessage<Job>(),
      encodeJSONMessage,
      {
        concurrency: 8,
        before: [
          (ctx, message: Message) => {
            const { id } = JSON.parse(Buffer.from(message.body).toString()) as Job;
            attempts.set(id, message.attempt);
            return ctx;
          },
        ],
      },
    );
    await until("every message handled by the second consumer", () => attempts.size === total, { timeout: 30_000 });
    await second.close();
    await channel.close();

    expect([...attempts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, id) => id));
    for (const id of heldByDoomed) expect(attempts.get(id)).toBe(2); // it knows it is a redelivery
    expect(await ready(connection, names.queue)).toBe(0);
    expect(await ready(connection, names.deadLetterQueue)).toBe(0);
  });

  it("moves a poison message to the dead letter exactly once, with its error, and goes on", { timeout: 60_000 }, async () => {
    const names = await topology("poison");
    await publish(names.queue, ["not json", { id: 1 }, { id: 2 }], { "x-trace": "abc" });
    const handled: number[] = [];
    const channel = await confirmChannel();
    const sub = subscriber(
      channel,
      names.queue,
      (_ctx, { id }: Job) => {
        handled.push(id);
        return Promise.resolve(null);
      },
      decodeJSONMessage<Job>(),
      encodeJSONMessage,
      { concurrency: 1, ...fast },
    );
    await until("both good messages", () => handled.length === 2, { timeout: 30_000 });
    await until("the dead letter", async () => (await ready(connection, names.deadLetterQueue)) >= 1, { timeout: 30_000 });
    await sub.close();
    await channel.close();

    expect(handled).toEqual([1, 2]);
    const dead = await drainQueue(names.deadLetterQueue);
    expect(dead).toHaveLength(1);
    const [letter] = dead;
    expect(letter!.content.toString()).toBe("not json");
    expect(letter!.properties.headers).toMatchObject({
      "kit-error-code": "invalid_argument",
      "kit-error-message": expect.stringMatching(/^malformed JSON/) as unknown,
      "kit-attempts": "1",
      "x-trace": "abc",
    });
    expect(await ready(connection, names.queue)).toBe(0);
  });

  it("takes the time a message waited in the queue (kit-sent-at) off its kit-timeout: an expired arrival is dead-lettered, never run", { timeout: 60_000 }, async () => {
    const names = await topology("queue-time");
    const now = Date.now();
    // A producer outside Kit stamps like Kit's publisher: 5 s of budget, sent 10 s ago (expired),
    // and a clock 60 s ahead of ours (a negative wait: counted as none, so it runs).
    await publish(names.queue, [{ id: 1 }], { "kit-timeout": "5000", "kit-sent-at": String(now - 10_000) });
    await publish(names.queue, [{ id: 2 }], { "kit-timeout": "5000", "kit-sent-at": String(now + 60_000) });
    const handled: number[] = [];
    const budgets: number[] = [];
    const channel = await confirmChannel();
    const sub = subscriber(
      channel,
      names.queue,
      (ctx, { id }: Job) => {
        handled.push(id);
        budgets.push((ctx.deadline ?? 0) - Date.now());
        return Promise.resolve(null);
      },
      decodeJSONMessage<Job>(),
      encodeJSONMessage,
      { concurrency: 1, ...fast, errorHandler: { handle: () => undefined } },
    );
    await until("the dead letter", async () => (await ready(connection, names.deadLetterQueue)) >= 1, { timeout: 30_000 });
    await until("the message with time left", () => handled.length === 1, { timeout: 30_000 });
    await sub.close();
    await channel.close();

    expect(handled).toEqual([2]);
    expect(budgets[0]).toBeGreaterThan(4_000); // its 5 s, less the moments it took to arrive
    const dead = await drainQueue(names.deadLetterQueue);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.content.toString())).toEqual({ id: 1 });
    expect(dead[0]!.properties.headers).toMatchObject({ "kit-error-code": "deadline_exceeded", "kit-attempts": "1" });
    expect(await ready(connection, names.retryQueue)).toBe(0);
  });

  it("retries a retryable failure through the retry queue, then dead-letters it once with the attempt count", { timeout: 60_000 }, async () => {
    const names = await topology("retry");
    await publish(names.queue, [{ id: 1 }]);
    const attempts: number[] = [];
    const channel = await confirmChannel();
    const sub = subscriber(
      channel,
      names.queue,
      async (): Promise<null> => {
        await Promise.resolve();
        throw new KitError(Code.Unavailable, "database down");
      },
      decodeJSONMessage<Job>(),
      encodeJSONMessage,
      {
        maxAttempts: 3,
        ...fast,
        before: [
          (ctx, message: Message) => {
            attempts.push(message.attempt);
            return ctx;
          },
        ],
      },
    );
    await until("the dead letter", async () => (await ready(connection, names.deadLetterQueue)) >= 1, { timeout: 30_000 });
    await sub.close();
    await channel.close();

    expect(attempts).toEqual([1, 2, 3]);
    const dead = await drainQueue(names.deadLetterQueue);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.properties.headers).toMatchObject({
      "kit-error-code": "unavailable",
      "kit-error-message": "database down",
      "kit-attempts": "3",
    });
    expect(await ready(connection, names.queue)).toBe(0);
    expect(await ready(connection, names.retryQueue)).toBe(0);
  });

  it("keeps a retry waiting on the broker while no consumer runs, with its attempt count", { timeout: 60_000 }, async () => {
    const names = await topology("restart");
    await publish(names.queue, [{ id: 1 }]);
    const failed = gate();
    const channel = await confirmChannel();
    const first = subscriber(
      channel,
      names.queue,
      async () => {
        failed.open();
        await Promise.resolve();
        throw new KitError(Code.Unavailable, "try later");
      },
      decodeJSONMessage<Job>(),
      encodeJSONMessage,
      { backoff: () => 1_500 },
    );
    await failed.promise;
    await first.close();
    await until("the retry to wait in the retry queue", async () => (await ready(connection, names.retryQueue)) === 1, { timeout: 30_000 });

    const seen: number[] = [];
    const second = subscriber(channel, names.queue, () => Promise.resolve(null), decodeJSONMessage<Job>(), encodeJSONMessage, {
      before: [
        (ctx, message: Message) => {
          seen.push(message.attempt);
          return ctx;
        },
      ],
    });
    await until("the retried message", () => seen.length === 1, { timeout: 30_000 });
    await second.close();
    await channel.close();
    expect(seen).toEqual([2]);
    expect(await ready(connection, names.queue)).toBe(0);
    expect(await ready(connection, names.retryQueue)).toBe(0);
  });

  it("on close(), finishes and acknowledges 100 slow messages in flight and takes no new one", { timeout: 60_000 }, async () => {
    const names = await topology("drain");
    await publish(
      names.queue,
      Array.from({ length: 150 }, (_, id) => ({ id })),
    );
    let started = 0;
    let finished = 0;
    const succeeded: number[] = [];
    const channel = await confirmChannel();
    const sub = subscriber(
      channel,
      names.queue,
      async () => {
        started += 1;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        finished += 1;
        return null;
      },
      decodeJSONMessage<Job>(),
      encodeJSONMessage,
      {
        concurrency: 100,
        finalizer: [
          (_ctx, outcome: MessageOutcome) => {
            if (outcome.decision === "succeeded") succeeded.push(1);
          },
        ],
      },
    );
    await until("100 messages in flight", () => started === 100, { timeout: 30_000 });
    const closing = sub.close();
    const startedAtClose = started;
    await closing;
    expect(startedAtClose).toBe(100);
    expect((await channel.checkQueue(names.queue)).consumerCount).toBe(0); // the consumer was cancelled
    expect(started).toBe(100); // no new one after close() was called
    expect(finished).toBe(100);
    expect(succeeded).toHaveLength(100);
    await channel.close(); // an unacknowledged message would go back to the queue now
    expect(errorsOf(channel)).toEqual([]);
    expect(await ready(connection, names.queue)).toBe(50);
    expect(await ready(connection, names.deadLetterQueue)).toBe(0);
  });

  it("gives a message back instead of losing it when its retry cannot be published", { timeout: 60_000 }, async () => {
    const names = await topology("noretry");
    await publish(names.queue, [{ id: 1 }]);
    const attempts: number[] = [];
    const errors: string[] = [];
    const channel = await confirmChannel();
    const sub = subscriber(
      channel,
      names.queue,
      async (): Promise<null> => {
        await Promise.resolve();
        if (attempts.length === 1) throw new KitError(Code.Unavailable, "try later");
        return null;
      },
      decodeJSONMessage<Job>(),
      encodeJSONMessage,
      {
        ...fast,
        retryQueue: uniqueQueue("missing"), // nothing is bound there
        errorHandler: { handle: (_ctx, err) => void errors.push(err.message) },
        before: [
          (ctx, message: Message) => {
            attempts.push(message.attempt);
            return ctx;
          },
        ],
      },
    );
    await until("the message to come back and succeed", () => attempts.length === 2, { timeout: 30_000 });
    await sub.close();
    await channel.close();
    expect(attempts).toEqual([1, 2]);
    expect(errors).toContainEqual(expect.stringMatching(/no queue took the message/));
    expect(await ready(connection, names.queue)).toBe(0);
  });

  it("counts a quorum queue's redeliveries in the attempt", { timeout: 60_000 }, async () => {
    const names = await topology("quorum", { type: "quorum" });
    await publish(names.queue, [{ id: 1 }]);
    const seen: number[] = [];
    for (let round = 0; round < 3; round++) {
      const dying = await open();
      const held = gate();
      const channel = await confirmChannel(dying);
      const sub = subscriber(
        channel,
        names.queue,
        async () => {
          held.open();
          await new Promise(() => undefined); // never finishes: its connection dies first
        },
        decodeJSONMessage<Job>(),
        encodeJSONMessage,
        {
          closeTimeout: 0,
          before: [
            (ctx, message: Message) => {
              seen.push(message.attempt);
              return ctx;
            },
          ],
        },
      );
      await held.promise;
      await dying.close();
      await sub.close();
    }
    expect(seen).toEqual([1, 2, 3]);
    await until("the message back in the queue", async () => (await ready(connection, names.queue)) === 1, { timeout: 30_000 });
  });

  it("refuses a channel without confirms", async () => {
    const plain = watch(await connection.createChannel());
    cleanup.push(() => plain.close());
    expect(() => subscriber(plain as unknown as ConfirmChannel, "q", () => Promise.resolve(null), decodeJSONMessage(), encodeJSONMessage)).toThrow(
      /confirm channel/,
    );
  });
});
