// Against the RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672): request/reply
// over direct reply-to, errors, deadlines, unroutable messages and confirmed events.
import { background, Code, isKitError, KitError, withTimeout, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type Subscriber } from "@kit/transport";
import type { ChannelModel, ConfirmChannel } from "amqplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deleteTopology, errorsOf, gate, open, ready, uniqueQueue, watch } from "../test/support.ts";
import { publisher } from "./publisher.ts";
import { subscriber } from "./subscriber.ts";
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

/** A confirm channel, a fresh topology and a subscriber on it, all removed after the test. */
async function serve<Req, Res>(
  label: string,
  endpoint: Endpoint<Req, Res>,
  options: Parameters<typeof subscriber>[5] = {},
): Promise<{ topology: Topology; channel: ConfirmChannel; sub: Subscriber }> {
  const channel = watch(await connection.createConfirmChannel());
  const topology = await assertTopology(channel, uniqueQueue(label));
  const sub = subscriber(channel, topology.queue, endpoint, decodeJSONMessage<Req>(), encodeJSONMessage, options);
  cleanup.push(async () => {
    await sub.close();
    await channel.close();
    await deleteTopology(connection, topology);
  });
  return { topology, channel, sub };
}

async function client(): Promise<ConfirmChannel> {
  const channel = watch(await connection.createConfirmChannel());
  cleanup.push(() => channel.close());
  return channel;
}

describe("publisher: request/reply", () => {
  it("calls the subscriber's endpoint and returns its reply", async () => {
    const { topology } = await serve<Sum, { v: number }>("sum", (_ctx, { a, b }) => Promise.resolve({ v: a + b }));
    const sum = publisher(await client(), topology.queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await sum(ctx, { a: 1, b: 2 })).toEqual({ v: 3 });
      const many = await Promise.all(Array.from({ length: 200 }, (_, i) => sum(ctx, { a: i, b: 1 })));
      expect(many.map((r) => r.v)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      cancel();
    }
  });

  it("brings an error code and message back intact, and the answered request is acknowledged, not dead-lettered", async () => {
    const { topology } = await serve<Sum, { v: number }>("error", async () => {
      await Promise.resolve();
      throw new KitError(Code.NotFound, "no such sum");
    });
    const sum = publisher(await client(), topology.queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    const err: unknown = await sum(ctx, { a: 1, b: 2 }).catch((thrown: unknown) => thrown);
    cancel();
    expect(isKitError(err) && { code: err.code, message: err.message }).toEqual({ code: "not_found", message: "no such sum" });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a dead letter would have been written by now
    expect(await ready(connection, topology.deadLetterQueue)).toBe(0); // the caller has the error: that settled it
  });

  it("carries the caller's deadline to the server, and fails with deadline_exceeded when the reply is late", async () => {
    let seen: number | undefined;
    const { topology } = await serve<Sum, { v: number }>(
      "deadline",
      async (ctx) => {
        seen = ctx.deadline;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        return { v: 0 };
      },
      { maxAttempts: 1 },
    );
    const sum = publisher(await client(), topology.queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 500);
    const started = Date.now();
    const err: unknown = await sum(ctx, { a: 1, b: 2 }).catch((thrown: unknown) => thrown);
    cancel();
    expect(isKitError(err) && err.code).toBe("deadline_exceeded");
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(seen).toBeDefined();
    expect(seen!).toBeLessThanOrEqual(ctx.deadline! + 200);
    expect(seen!).toBeGreaterThan(ctx.deadline! - 500);
  });

  it("drops a reply that comes after the deadline, and the next call still works", async () => {
    const queue = uniqueQueue("late");
    const server = watch(await connection.createChannel());
    cleanup.push(async () => {
      await server.deleteQueue(queue);
      await server.close();
    });
    await server.assertQueue(queue, { durable: false });
    let delay = 800;
    await server.consume(queue, (message) => {
      if (message === null) return;
      const wait = delay;
      delay = 0;
      setTimeout(() => {
        server.sendToQueue(message.properties.replyTo as string, Buffer.from('{"v":7}'), {
          correlationId: message.properties.correlationId as string,
        });
        server.ack(message);
      }, wait);
    });
    const call = publisher(await client(), queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [short, cancelShort] = withTimeout(background(), 300);
    const err: unknown = await call(short, {}).catch((thrown: unknown) => thrown);
    cancelShort();
    expect(isKitError(err) && err.code).toBe("deadline_exceeded");
    await new Promise((resolve) => setTimeout(resolve, 700)); // the late reply arrives and is dropped
    const [ctx, cancel] = withTimeout(background(), 5_000);
    expect(await call(ctx, {})).toEqual({ v: 7 });
    cancel();
  });

  it("runs its hooks: before sets headers the server reads, after sees the reply, finalizer sees the outcome", async () => {
    const tenants: (string | null | undefined)[] = [];
    const { topology } = await serve<Sum, { v: number }>(
      "hooks",
      (_ctx, { a, b }) => (a === 0 && b === 0 ? Promise.reject(new KitError(Code.InvalidArgument, "zeroes")) : Promise.resolve({ v: a + b })),
      {
        before: [
          (ctx, message) => {
            tenants.push(message.headers.get("x-tenant"));
            return ctx;
          },
        ],
      },
    );
    const replyTypes: (string | null | undefined)[] = [];
    const outcomes: (string | undefined)[] = [];
    const sum = publisher(await client(), topology.queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>(), {
      before: [
        (ctx, message) => {
          message.headers.set("x-tenant", "acme");
          return ctx;
        },
      ],
      after: [
        (ctx, reply) => {
          replyTypes.push(reply.headers.get("content-type"));
          return ctx;
        },
      ],
      finalizer: [
        (_ctx, { error }) => {
          outcomes.push(error?.code);
        },
      ],
    });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await sum(ctx, { a: 2, b: 2 })).toEqual({ v: 4 });
      await expect(sum(ctx, { a: 0, b: 0 })).rejects.toMatchObject({ code: "invalid_argument", message: "zeroes" });
    } finally {
      cancel();
    }
    expect(tenants).toEqual(["acme", "acme"]);
    expect(replyTypes).toEqual(["application/json", undefined]); // an error reply has no body
    expect(outcomes).toEqual([undefined, "invalid_argument"]);
  });

  it("keeps serving when a caller goes away before its reply", async () => {
    const held = gate();
    const arrived = gate();
    let calls = 0;
    const { topology, channel: serverChannel } = await serve<Sum, { v: number }>("gone", async (_ctx, { a, b }) => {
      calls += 1;
      if (calls === 1) {
        arrived.open();
        await held.promise;
      }
      return { v: a + b };
    });
    const gone = await open();
    const goneChannel = watch(await gone.createChannel());
    const lost = publisher(goneChannel, topology.queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const abandoned = lost(background(), { a: 1, b: 1 }).catch((thrown: unknown) => thrown);
    await arrived.promise;
    await gone.close();
    const err = await abandoned;
    expect(isKitError(err) && err.code).toBe("unavailable"); // its channel closed under it
    held.open(); // the reply goes to a caller that is not there any more
    const sum = publisher(await client(), topology.queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    expect(await sum(ctx, { a: 2, b: 3 })).toEqual({ v: 5 });
    cancel();
    expect(errorsOf(serverChannel)).toEqual([]);
    await until("the first request acknowledged", async () => (await ready(connection, topology.queue)) === 0, { timeout: 30_000 });
  });

  it("fails at once with unavailable when no queue takes the request", async () => {
    const call = publisher(await client(), uniqueQueue("nobody"), encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withTimeout(background(), 10_000);
    const started = Date.now();
    const err: unknown = await call(ctx, {}).catch((thrown: unknown) => thrown);
    cancel();
    expect(isKitError(err) && err.code).toBe("unavailable");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("publisher: events", () => {
  it("resolves once the broker confirmed a persistent message in the queue", async () => {
    const channel = await client();
    const queue = uniqueQueue("events");
    await channel.assertQueue(queue, { durable: true });
    cleanup.push(async () => {
      const other = watch(await connection.createChannel());
      await other.deleteQueue(queue);
      await other.close();
    });
    const placed = publisher(channel, queue, encodeJSONMessage, undefined);
    await placed(background(), { id: "o-1" });
    expect(await ready(connection, queue)).toBe(1);
    const got = await channel.get(queue, { noAck: true });
    expect(got !== false && { body: got.content.toString(), mode: got.properties.deliveryMode as unknown }).toEqual({
      body: '{"id":"o-1"}',
      mode: 2,
    });
  });

  it("fails with unavailable when no queue takes the event", async () => {
    const placed = publisher(await client(), uniqueQueue("lost"), encodeJSONMessage, undefined);
    const err: unknown = await placed(background(), { id: "o-1" }).catch((thrown: unknown) => thrown);
    expect(isKitError(err) && err.code).toBe("unavailable");
  });

  it("refuses a channel without confirms", async () => {
    const plain = watch(await connection.createChannel());
    cleanup.push(() => plain.close());
    expect(() => publisher(plain as unknown as ConfirmChannel, "q", encodeJSONMessage, undefined)).toThrow(/confirm channel/);
  });
});

describe("TCP_NODELAY", () => {
  /** A connection of its own, whose socket records what `setNoDelay` was called with. */
  async function recordedConnection(): Promise<{ calls: boolean[]; channel: () => Promise<ConfirmChannel> }> {
    const own = await open();
    cleanup.push(() => own.close());
    const socket = (own as unknown as { connection: { stream: { setNoDelay: (on: boolean) => unknown } } }).connection.stream;
    const calls: boolean[] = [];
    const setNoDelay = socket.setNoDelay.bind(socket);
    socket.setNoDelay = (on: boolean) => {
      calls.push(on);
      return setNoDelay(on);
    };
    return { calls, channel: async () => watch(await own.createConfirmChannel()) };
  }

  it("is turned on by the subscriber and the publisher on the connection they are given, and answers still come", async () => {
    const server = await recordedConnection();
    const serverChannel = await server.channel();
    const topology = await assertTopology(serverChannel, uniqueQueue("nodelay"));
    const sum: Endpoint<Sum, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });
    const sub = subscriber(serverChannel, topology.queue, sum, decodeJSONMessage<Sum>(), encodeJSONMessage);
    cleanup.push(async () => {
      await sub.close();
      await deleteTopology(connection, topology);
    });
    expect(server.calls).toEqual([true]);

    const caller = await recordedConnection();
    const call = publisher(await caller.channel(), topology.queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    expect(caller.calls).toEqual([true]);
    expect(await call(background(), { a: 2, b: 3 })).toEqual({ v: 5 });
  });

  it("is left as the user set it with noDelay: false", async () => {
    const own = await recordedConnection();
    const channel = await own.channel();
    const topology = await assertTopology(channel, uniqueQueue("nagle"));
    const sub = subscriber(channel, topology.queue, () => Promise.resolve({}), decodeJSONMessage(), encodeJSONMessage, { noDelay: false });
    cleanup.push(async () => {
      await sub.close();
      await deleteTopology(connection, topology);
    });
    publisher(channel, topology.queue, encodeJSONMessage, decodeJSONMessage(), { noDelay: false });
    expect(own.calls).toEqual([]);
  });
});
