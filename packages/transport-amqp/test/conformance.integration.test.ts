// The conformance suite of @kit/transport/testing against the real RabbitMQ (AMQP_URL, default
// amqp://guest:guest@127.0.0.1:5672), each case on queues of its own; the broker-restart case on a
// RabbitMQ node of the test's own (@kit/test-support's startOwnRabbitMq, port 19020), through
// connect().
import { decodeJSONMessage, encodeJSONMessage, type Subscriber } from "@kit/transport";
import { conformanceCases, garbageOfSize, spawnConsumer, type ConformanceDeadLetter, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import type { Channel, ChannelModel, ConfirmChannel } from "amqplib";
import { afterAll, beforeAll, describe, test } from "vitest";
import { connect, type AmqpConnection } from "../src/connection.ts";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import { assertTopology, type Topology } from "../src/topology.ts";
import { startOwnRabbitMq, type OwnRabbitMq } from "@kit/test-support";
import { deleteTopology, open, uniqueQueue, watch } from "./support.ts";

const decode = decodeJSONMessage<Probe>();
const decodeReply = decodeJSONMessage<ProbeReply>();
let connection: ChannelModel;
let admin: Channel;
let channel: ConfirmChannel;
const topologies = new Map<string, Topology>();
const deadLetterCache = new Map<string, ConformanceDeadLetter[]>();

beforeAll(async () => {
  connection = await open();
  admin = watch(await connection.createChannel());
  channel = watch(await connection.createConfirmChannel());
});

afterAll(async () => {
  for (const topology of topologies.values()) await deleteTopology(connection, topology).catch(() => undefined);
  await connection.close();
});

function topologyOf(queue: string): Topology {
  const topology = topologies.get(queue);
  if (topology === undefined) throw new Error(`no topology for ${queue}`);
  return topology;
}

/** What the dead-letter queue held so far (taken off it and kept here). */
async function deadLetters(queue: string): Promise<ConformanceDeadLetter[]> {
  const kept = deadLetterCache.get(queue) ?? [];
  deadLetterCache.set(queue, kept);
  for (;;) {
    const message = await admin.get(topologyOf(queue).deadLetterQueue, { noAck: true });
    if (message === false) return [...kept];
    const headers = new Map<string, string>();
    for (const [name, value] of Object.entries(message.properties.headers ?? {})) headers.set(name, String(value));
    kept.push({ body: new Uint8Array(message.content), headers });
  }
}

/** A subscriber on a connection of its own, closed after it as the README shows. */
async function serveOwn(serve: (channel: ConfirmChannel) => Subscriber): Promise<Subscriber> {
  const own = await open();
  const sub = serve(watch(await own.createConfirmChannel()));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await sub.close();
      await own.close();
    })());
  return { ready: sub.ready, close, [Symbol.asyncDispose]: close };
}

function publishRaw(queue: string, body: Uint8Array, headers: Readonly<Record<string, string>>): Promise<void> {
  channel.sendToQueue(queue, Buffer.from(body), { headers, persistent: true });
  return channel.waitForConfirms();
}

const harness: ConformanceHarness = {
  name: "amqp",
  address: async (label) => {
    const queue = uniqueQueue(`conformance.${label}`);
    topologies.set(queue, await assertTopology(admin, queue));
    return queue;
  },
  serve: (queue, endpoint, options) => serveOwn((own) => subscriber(own, queue, endpoint, decode, encodeJSONMessage, options)),
  requester: (queue, options) => publisher<Probe, ProbeReply>(channel, queue, encodeJSONMessage, decodeReply, options),
  publisher: (queue, options) => publisher<Probe>(channel, queue, encodeJSONMessage, undefined, options),
  publishRaw,
  deadLetters,
  poisonWithoutDeadLetter: async (queue) => {
    await admin.deleteQueue(topologyOf(queue).deadLetterQueue);
    await publishRaw(queue, garbageOfSize(64), {});
  },
  killableConsumer: (queue) => spawnConsumer(new URL("conformance-child.ts", import.meta.url), [queue]),
  serveBroken: (queue) =>
    serveOwn((own) => subscriber(own, `${queue}.missing`, () => Promise.resolve({ id: 0 }), decode, encodeJSONMessage, { errorHandler: { handle: () => undefined } })),
};

describe("RabbitMQ (the machine's broker)", () => {
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case !== "broker-restart")) test(c.name, c.run, c.timeout);
});

describe("RabbitMQ, restarted (a node of the test's own, through connect())", () => {
  let own: OwnRabbitMq;
  let managed: AmqpConnection;
  beforeAll(async () => {
    own = await startOwnRabbitMq({ port: 19_020 });
    managed = await connect(own.url, { errorHandler: { handle: () => undefined } });
  }, 180_000);
  afterAll(async () => {
    await managed.close();
    await own.destroy();
  });
  const restartable: ConformanceHarness = {
    name: "amqp (own broker)",
    address: async (label) => {
      const queue = uniqueQueue(`conformance.${label}`);
      await assertTopology(managed, queue);
      return queue;
    },
    serve: (queue, endpoint, options) => subscriber(managed, queue, endpoint, decode, encodeJSONMessage, options),
    requester: (queue, options) => publisher<Probe, ProbeReply>(managed, queue, encodeJSONMessage, decodeReply, options),
    publisher: (queue, options) => publisher<Probe>(managed, queue, encodeJSONMessage, undefined, options),
    restartBroker: async () => {
      await own.restart();
    },
  };
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(restartable).filter((r) => r.case === "broker-restart")) test(c.name, c.run, c.timeout);
});
