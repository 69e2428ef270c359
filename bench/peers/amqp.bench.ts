// Kit against its peers on RabbitMQ request/reply, in one process: the Sum call, {"a":1,"b":2}
// as JSON answered {"v":3}, through one RabbitMQ (AMQP_URL, default
// amqp://guest:guest@127.0.0.1:5672). Every side replies by direct reply-to or a reply queue of
// its own, acks each request after handling it, has a prefetch of 64 on its server, and runs
// every connection with TCP_NODELAY (without it a round trip now and then waits 40 ms for a
// delayed TCP ack; Kit sets it on its own connections):
//
// - raw amqplib: a server consuming its queue, parsing, `sendToQueue(replyTo)` with the
//   correlation id, then `ack`; a client on `amq.rabbitmq.reply-to` matching replies by
//   correlation id (as in ../amqp.bench.ts);
// - Kit: `@kit/transport-amqp`'s `publisher` and `subscriber` with the JSON message codecs, on
//   connections from Kit's `connect`;
// - Moleculer 0.15: a caller broker and a server broker on its AMQP transporter (amqplib),
//   `broker.call("math.sum", {a, b})`; its request queues ack after the handler;
// - NestJS microservices: `createMicroservice` with `Transport.RMQ` (`noAck: false`, the handler
//   acks through its `RmqContext`, as Nest documents for manual acks) and a `@MessagePattern`
//   handler, called through `ClientProxyFactory`'s RMQ client (direct reply-to).
//
// Each case runs with 64 calls in flight (calls/s and this process's CPU per call), then one at
// a time (p50/p99 µs), in interleaved rounds (peers/harness.ts); every ratio is to raw amqplib.
// `node peers/amqp.bench.ts`.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { assertTopology, connect as kitConnect, publisher, subscriber } from "@kit/transport-amqp";
import { Controller, Module, type INestMicroservice } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ClientProxyFactory, Ctx, MessagePattern, Payload, Transport, type RmqContext } from "@nestjs/microservices";
import { connect, type Channel } from "amqplib";
import { ServiceBroker, type Context as MoleculerContext } from "moleculer";
import { firstValueFrom } from "rxjs";
import { runPeers, type Peer } from "./harness.ts";

interface Sum {
  a: number;
  b: number;
}

const IN_FLIGHT = 64;
const url = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const run = randomUUID().slice(0, 8);
const request: Sum = { a: 1, b: 2 };
function check(reply: { v: number }): true {
  if (reply.v !== 3) throw new Error(`bad reply ${JSON.stringify(reply)}`);
  return true;
}

/** Deletes the named queues on a connection of its own. */
async function deleteQueues(names: readonly string[]): Promise<void> {
  const connection = await connect(url);
  const channel = await connection.createChannel();
  for (const name of names) await channel.deleteQueue(name);
  await connection.close();
}

async function rawServer(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(queue, { durable: false });
  await channel.prefetch(IN_FLIGHT);
  await channel.consume(queue, (message) => {
    if (message === null) return;
    const { a, b } = JSON.parse(message.content.toString()) as Sum;
    channel.sendToQueue(message.properties.replyTo as string, Buffer.from(JSON.stringify({ v: a + b })), {
      correlationId: message.properties.correlationId as string,
      contentType: "application/json",
    });
    channel.ack(message);
  });
}

async function raw(): Promise<Peer> {
  const [serverConn, clientConn] = await Promise.all([connect(url, { noDelay: true }), connect(url, { noDelay: true })]);
  const queue = `kitbench.${run}.raw`;
  await rawServer(await serverConn.createChannel(), queue);
  const client = await clientConn.createChannel();
  const waiting = new Map<string, (reply: { v: number }) => void>();
  await client.consume(
    "amq.rabbitmq.reply-to",
    (message) => {
      if (message === null) return;
      const id = message.properties.correlationId as string;
      waiting.get(id)?.(JSON.parse(message.content.toString()) as { v: number });
      waiting.delete(id);
    },
    { noAck: true },
  );
  let next = 0;
  const call = (): Promise<{ v: number }> =>
    new Promise((resolve) => {
      const correlationId = String(++next);
      waiting.set(correlationId, resolve);
      client.sendToQueue(queue, Buffer.from(JSON.stringify(request)), { replyTo: "amq.rabbitmq.reply-to", correlationId, contentType: "application/json" });
    });
  return {
    case: { name: "raw amqplib", run: async () => check(await call()) },
    close: async () => {
      await Promise.all([serverConn.close(), clientConn.close()]);
      await deleteQueues([queue]);
    },
  };
}

async function kit(): Promise<Peer> {
  const [serverConn, clientConn] = await Promise.all([kitConnect(url), kitConnect(url)]);
  const queue = `kitbench.${run}.kit`;
  await assertTopology(serverConn, queue, { durable: false });
  const sum: Endpoint<Sum, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });
  const sub = subscriber(serverConn, queue, sum, decodeJSONMessage<Sum>(), encodeJSONMessage, { concurrency: IN_FLIGHT });
  const call = publisher(clientConn, queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>(), { timeout: 5_000 });
  return {
    case: { name: "Kit transport-amqp", run: async () => check(await call(background(), request)) },
    close: async () => {
      await sub.close();
      await Promise.all([serverConn.close(), clientConn.close()]);
      await deleteQueues([queue, `${queue}.retry`, `${queue}.dead`]);
    },
  };
}

async function moleculer(): Promise<Peer> {
  const transporter = { type: "AMQP" as const, options: { url, prefetch: IN_FLIGHT, socketOptions: { noDelay: true }, autoDeleteQueues: 60_000 } };
  const options = { namespace: `kitbench-${run}`, transporter, logger: false, metrics: false, tracing: false };
  const server = new ServiceBroker({ ...options, nodeID: `server-${run}` });
  server.createService({ name: "math", actions: { sum: (ctx: MoleculerContext<Sum>) => ({ v: ctx.params.a + ctx.params.b }) } });
  const caller = new ServiceBroker({ ...options, nodeID: `caller-${run}` });
  await Promise.all([server.start(), caller.start()]);
  await caller.waitForServices(["math"], 10_000);
  return {
    case: { name: "Moleculer 0.15 (AMQP)", run: async () => check(await caller.call<{ v: number }, Sum>("math.sum", request)) },
    close: async () => {
      await Promise.all([caller.stop(), server.stop()]);
    },
  };
}

class MathController {
  sum(data: Sum, context: RmqContext): { v: number } {
    const channel = context.getChannelRef() as Channel;
    channel.ack(context.getMessage() as Parameters<Channel["ack"]>[0]);
    return { v: data.a + data.b };
  }
}
const nestQueue = `kitbench.${run}.nest`;
Payload()(MathController.prototype, "sum", 0);
Ctx()(MathController.prototype, "sum", 1);
MessagePattern("sum")(MathController.prototype, "sum", Object.getOwnPropertyDescriptor(MathController.prototype, "sum") ?? {});
Controller()(MathController);
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is an empty class its decorator describes
class AppModule {}
Module({ controllers: [MathController] })(AppModule);

async function nest(): Promise<Peer> {
  const options = { urls: [url], queue: nestQueue, queueOptions: { durable: false }, socketOptions: { connectionOptions: { noDelay: true } } };
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest documents its options as this literal
  const app: INestMicroservice = await NestFactory.createMicroservice(AppModule, {
    transport: Transport.RMQ,
    options: { ...options, noAck: false, prefetchCount: IN_FLIGHT },
    logger: false,
  });
  await app.listen();
  const client = ClientProxyFactory.create({ transport: Transport.RMQ, options });
  await client.connect();
  return {
    case: { name: "NestJS microservices (RMQ)", run: async () => check(await firstValueFrom(client.send<{ v: number }, Sum>("sum", request))) },
    close: async () => {
      await client.close();
      await app.close();
      await deleteQueues([nestQueue]);
    },
  };
}

const peers: Peer[] = [];
try {
  peers.push(await raw(), await kit(), await moleculer(), await nest());
} catch (err) {
  for (const peer of peers) await peer.close();
  throw err;
}
// The one target is amqp.bench.ts's (≥ 0.9 of raw amqplib); the peers' ratios are printed above.
const targets = [{ name: "Kit transport-amqp", than: "raw amqplib", min: 0.9 }];
await runPeers("RabbitMQ request/reply, Sum as JSON", peers, "raw amqplib", { targets, inFlight: IN_FLIGHT });
