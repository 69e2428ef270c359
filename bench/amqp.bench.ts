// @kit/transport-amqp against raw amqplib, on the same RabbitMQ (AMQP_URL, default
// amqp://guest:guest@127.0.0.1:5672), in one process: request/reply by direct reply-to.
//
// Both cases send the same JSON request ({"a":1,"b":2}) to a queue of their own and wait for
// the same reply ({"v":3}), with the same number of calls outstanding and the same prefetch on
// the server side:
// - raw amqplib: a client that consumes amq.rabbitmq.reply-to and matches replies by
//   correlation id; a server that consumes with that prefetch, parses, replies to reply_to with
//   the correlation id, and acks;
// - Kit: `publisher(connection, queue, encodeJSONMessage, decodeJSONMessage())` against
//   `subscriber(connection, queue, sum, decodeJSONMessage(), encodeJSONMessage,
//   { concurrency })` on connections from Kit's `connect` (which reconnect by themselves), the
//   subscriber runtime with its acks after the reply, deadlines and error handling.
// Each side has its own two connections, all with TCP_NODELAY (see below). Target: Kit ≥ 0.9 ×
// raw amqplib. Then each runs one call at a time (interleaved rounds, sequence-harness.ts):
// p50/p99 in µs, the latency a chain of calls pays per hop (reported, not a target).
import { randomUUID } from "node:crypto";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { assertTopology, connect as kitConnect, publisher, subscriber } from "@kit/transport-amqp";
import { connect, type Channel, type ChannelModel } from "amqplib";
import { compareAsync } from "./async-harness.ts";
import { printTable, ratio } from "./harness.ts";
import { compareSequence, printLatency } from "./sequence-harness.ts";

const TARGET = 0.9;
const IN_FLIGHT = 32;
const url = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const suffix = randomUUID().slice(0, 8);

interface SumRequest {
  a: number;
  b: number;
}

async function channelOf(connection: ChannelModel): Promise<Channel> {
  const channel = await connection.createChannel();
  channel.on("error", (err: Error) => {
    console.error(`channel error: ${err.message}`);
  });
  return channel;
}

/** Raw amqplib: a server replying on `queue`, and a call function over direct reply-to. */
async function raw(serverConn: ChannelModel, clientConn: ChannelModel, queue: string): Promise<() => Promise<unknown>> {
  const server = await channelOf(serverConn);
  await server.assertQueue(queue, { durable: false });
  await server.prefetch(IN_FLIGHT);
  await server.consume(queue, (message) => {
    if (message === null) return;
    const { a, b } = JSON.parse(message.content.toString()) as SumRequest;
    server.sendToQueue(message.properties.replyTo as string, Buffer.from(JSON.stringify({ v: a + b })), {
      correlationId: message.properties.correlationId as string,
      contentType: "application/json",
    });
    server.ack(message);
  });

  const client = await channelOf(clientConn);
  const waiting = new Map<string, (body: unknown) => void>();
  await client.consume(
    "amq.rabbitmq.reply-to",
    (message) => {
      if (message === null) return;
      const id = message.properties.correlationId as string;
      const resolve = waiting.get(id);
      waiting.delete(id);
      resolve?.(JSON.parse(message.content.toString()));
    },
    { noAck: true },
  );
  let next = 0;
  return () =>
    new Promise((resolve) => {
      const correlationId = `${suffix}.${String(++next)}`;
      waiting.set(correlationId, resolve);
      client.sendToQueue(queue, Buffer.from(JSON.stringify({ a: 1, b: 2 })), {
        replyTo: "amq.rabbitmq.reply-to",
        correlationId,
        contentType: "application/json",
      });
    });
}

/** Kit: a subscriber serving sum on `queue`, and its publisher. */
async function kit(queue: string): Promise<{ run: () => Promise<unknown>; close: () => Promise<void> }> {
  const [serverConn, clientConn] = await Promise.all([kitConnect(url), kitConnect(url)]);
  await assertTopology(serverConn, queue, { durable: false });
  const sum: Endpoint<SumRequest, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });
  const sub = subscriber(serverConn, queue, sum, decodeJSONMessage<SumRequest>(), encodeJSONMessage, { concurrency: IN_FLIGHT });
  const call = publisher(clientConn, queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
  const ctx = background();
  return {
    run: () => call(ctx, { a: 1, b: 2 }),
    close: async () => {
      await sub.close();
      await Promise.all([serverConn.close(), clientConn.close()]);
    },
  };
}

const started = Date.now();
// Every connection has TCP_NODELAY, as Kit's subscriber and publisher set on theirs: with Nagle's
// algorithm on, raw amqplib stalls too (1 round trip in 100 waited 40 ms for a delayed TCP ack).
const socket = { noDelay: true };
const [rawServer, rawClient] = await Promise.all([connect(url, socket), connect(url, socket)]);
const rawQueue = `kit-bench.raw.${suffix}`;
const kitQueue = `kit-bench.kit.${suffix}`;
try {
  const rawCall = await raw(rawServer, rawClient, rawQueue);
  const kitSide = await kit(kitQueue);
  // Check both answer right before timing them.
  for (const run of [rawCall, kitSide.run]) {
    const reply = await run();
    if ((reply as { v?: unknown }).v !== 3) throw new Error(`wrong reply ${JSON.stringify(reply)}`);
  }
  const cases = [
    { name: "raw amqplib RPC", run: rawCall },
    { name: "kit publisher → subscriber", run: kitSide.run },
  ];
  const results = await compareAsync(cases, { rounds: 7, roundMs: 2_500, warmupMs: 2_000, inFlight: IN_FLIGHT });
  const oneByOne = await compareSequence(cases, { rounds: 5, roundMs: 1_000, warmupMs: 500, maxCallsPerRound: 20_000 });
  await kitSide.close();
  printTable(`AMQP request/reply, ${String(IN_FLIGHT)} calls in flight (messages per second)`, results, "raw amqplib RPC");
  printLatency("AMQP request/reply, one call at a time (µs per call)", oneByOne, "raw amqplib RPC");
  const kitRatio = ratio(results, "kit publisher → subscriber", "raw amqplib RPC");
  const met = kitRatio >= TARGET;
  console.log(
    `\ntarget: Kit AMQP ≥ ${TARGET.toFixed(2)} × raw amqplib RPC: ${met ? "MET" : "NOT MET"} (${kitRatio.toFixed(2)}); ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (!met) process.exitCode = 1;
} finally {
  const cleanup = await rawServer.createChannel();
  await cleanup.deleteQueue(rawQueue);
  for (const name of [kitQueue, `${kitQueue}.retry`, `${kitQueue}.dead`]) await cleanup.deleteQueue(name);
  await cleanup.deleteExchange(`${kitQueue}.dlx`);
  await Promise.all([rawServer, rawClient].map((connection) => connection.close()));
}
