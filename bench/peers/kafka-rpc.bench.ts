// Kit against its peers on Kafka request/reply, in one process, through one Kafka
// (KAFKA_BROKERS, default 127.0.0.1:9092): the Sum call, {"a":1,"b":2} as JSON answered
// {"v":3}, each side with a request topic and a reply topic of one partition of its own
// (Moleculer makes its own topics), every produce with acks -1. Request/reply over Kafka is a
// round trip of two produces and two fetches, each side's design of its own:
//
// - raw kafkajs: a server consumer (`eachMessage`) that parses and produces the reply to the
//   reply topic with the request's correlation id header; a client that produces the request
//   and reads the reply topic, matching by correlation id;
// - Kit: `@kit/transport-kafka`'s `requester` (on a plain kafkajs producer, as raw's) and
//   `subscriber`, the JSON message codecs, the reply topic `<topic>.replies`;
// - Moleculer 0.15: `broker.call("math.sum", …)` between two brokers on its Kafka transporter
//   (@platformatic/kafka);
// - NestJS microservices: a `Transport.KAFKA` microservice with a `@MessagePattern`, called by
//   `ClientProxyFactory`'s Kafka client (`subscribeToResponseOf`, replies on `<topic>.reply`).
//
// 64 in flight (calls/s and this process's CPU per call), then one at a time (p50/p99 µs), in
// interleaved rounds (peers/harness.ts); every ratio is to raw kafkajs. Events, the other thing
// Kafka carries, are in peers/kafka.bench.ts. `node peers/kafka-rpc.bench.ts`.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { requester, subscriber } from "@kit/transport-kafka";
import { Controller, Module, type INestMicroservice } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ClientProxyFactory, MessagePattern, Payload, Transport } from "@nestjs/microservices";
import { Kafka, logLevel } from "kafkajs";
import { ServiceBroker, type Context as MoleculerContext } from "moleculer";
import { firstValueFrom } from "rxjs";
import { runPeers, type Peer } from "./harness.ts";

interface Sum {
  a: number;
  b: number;
}

const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const run = randomUUID().slice(0, 8);
const kafka = new Kafka({ clientId: `kitbench-${run}`, brokers, logLevel: logLevel.NOTHING });
const topics = { raw: `kitbench-${run}-rpc-raw`, kit: `kitbench-${run}-rpc-kit`, nest: `kitbench-${run}-rpc-nest` };
const replyTopics = { raw: `${topics.raw}.replies`, kit: `${topics.kit}.replies`, nest: `${topics.nest}.reply` };
const namespace = `kitbench-${run}-rpc`;
const request: Sum = { a: 1, b: 2 };
function check(reply: { v: number }): true {
  if (reply.v !== 3) throw new Error(`bad reply ${JSON.stringify(reply)}`);
  return true;
}

async function raw(): Promise<Peer> {
  const [serverProducer, clientProducer] = [kafka.producer(), kafka.producer()];
  const server = kafka.consumer({ groupId: `${namespace}-raw-server`, maxWaitTimeInMs: 100 });
  const client = kafka.consumer({ groupId: `${namespace}-raw-client`, maxWaitTimeInMs: 100 });
  await Promise.all([serverProducer.connect(), clientProducer.connect(), server.connect(), client.connect()]);
  await server.subscribe({ topic: topics.raw, fromBeginning: true });
  await client.subscribe({ topic: replyTopics.raw, fromBeginning: true });
  await server.run({
    eachMessage: async ({ message }) => {
      const { a, b } = JSON.parse(message.value?.toString() ?? "null") as Sum;
      const id = message.headers?.["correlation-id"] ?? "";
      await serverProducer.send({ topic: replyTopics.raw, acks: -1, messages: [{ value: JSON.stringify({ v: a + b }), headers: { "correlation-id": id } }] });
    },
  });
  const waiting = new Map<string, (reply: { v: number }) => void>();
  await client.run({
    // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
    eachMessage: async ({ message }) => {
      const id = message.headers?.["correlation-id"]?.toString() ?? "";
      waiting.get(id)?.(JSON.parse(message.value?.toString() ?? "null") as { v: number });
      waiting.delete(id);
    },
  });
  let next = 0;
  const call = async (): Promise<{ v: number }> => {
    const id = String(next++);
    const reply = new Promise<{ v: number }>((resolve) => waiting.set(id, resolve));
    await clientProducer.send({ topic: topics.raw, acks: -1, messages: [{ value: JSON.stringify(request), headers: { "correlation-id": id } }] });
    return reply;
  };
  return {
    case: { name: "raw kafkajs", run: async () => check(await call()) },
    close: async () => {
      await Promise.all([serverProducer.disconnect(), clientProducer.disconnect(), server.disconnect(), client.disconnect()]);
    },
  };
}

async function kit(): Promise<Peer> {
  const producer = kafka.producer();
  await producer.connect();
  const sum: Endpoint<Sum, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });
  const sub = await subscriber(kafka, topics.kit, sum, decodeJSONMessage<Sum>(), encodeJSONMessage, { groupId: `${namespace}-kit`, fromBeginning: true, concurrency: 64 });
  const call = await requester(kafka, topics.kit, encodeJSONMessage, decodeJSONMessage<{ v: number }>(), { replyTopic: replyTopics.kit, producer, timeout: 30_000 });
  return {
    case: { name: "Kit transport-kafka", run: async () => check(await call(background(), request)) },
    close: async () => {
      await call.close();
      await sub.close();
      await producer.disconnect();
    },
  };
}

async function moleculer(): Promise<Peer> {
  const transporter = { type: "Kafka" as const, options: { bootstrapBrokers: brokers, clientId: namespace } };
  const options = { namespace, transporter, logger: false, metrics: false, tracing: false, requestTimeout: 30_000 };
  const server = new ServiceBroker({ ...options, nodeID: `server-${run}` });
  server.createService({ name: "math", actions: { sum: (ctx: MoleculerContext<Sum>) => ({ v: ctx.params.a + ctx.params.b }) } });
  const caller = new ServiceBroker({ ...options, nodeID: `caller-${run}` });
  await Promise.all([server.start(), caller.start()]);
  await caller.waitForServices(["math"], 30_000);
  return {
    case: { name: "Moleculer 0.15 (Kafka)", run: async () => check(await caller.call<{ v: number }, Sum>("math.sum", request)) },
    close: async () => {
      await Promise.all([caller.stop(), server.stop()]);
    },
  };
}

class MathController {
  sum(data: Sum): { v: number } {
    return { v: data.a + data.b };
  }
}
Payload()(MathController.prototype, "sum", 0);
MessagePattern(topics.nest)(MathController.prototype, "sum", Object.getOwnPropertyDescriptor(MathController.prototype, "sum") ?? {});
Controller()(MathController);
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is an empty class its decorator describes
class AppModule {}
Module({ controllers: [MathController] })(AppModule);

async function nest(): Promise<Peer> {
  const client = { clientId: `${namespace}-nest`, brokers };
  const consumer = { groupId: `${namespace}-nest`, maxWaitTimeInMs: 100 };
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest documents its options as this literal
  const app: INestMicroservice = await NestFactory.createMicroservice(AppModule, { transport: Transport.KAFKA, options: { client, consumer, subscribe: { fromBeginning: true } }, logger: false });
  await app.listen();
  const proxy = ClientProxyFactory.create({ transport: Transport.KAFKA, options: { client, consumer } });
  proxy.subscribeToResponseOf(topics.nest);
  await proxy.connect();
  return {
    case: { name: "NestJS microservices (Kafka)", run: async () => check(await firstValueFrom(proxy.send<{ v: number }, Sum>(topics.nest, request))) },
    close: async () => {
      await proxy.close();
      await app.close();
    },
  };
}

/** One call that must answer within 30 s (each side's consumers join their groups first). */
async function firstCall(peer: Peer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${peer.case.name}: no reply in 30 s`));
    }, 30_000);
  });
  try {
    await Promise.race([peer.case.run(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const admin = kafka.admin();
await admin.connect();
const all = [...Object.values(topics), ...Object.values(replyTopics)];
await admin.createTopics({ topics: all.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
const peers: Peer[] = [];
try {
  try {
    peers.push(await raw(), await kit(), await moleculer(), await nest());
    for (const peer of peers) await firstCall(peer);
  } catch (err) {
    for (const peer of peers) await peer.close();
    throw err;
  }
  const targets = [{ name: "Kit transport-kafka", than: "raw kafkajs", min: 0.95 }];
  await runPeers("Kafka request/reply, Sum as JSON", peers, "raw kafkajs", { targets, maxCallsPerRound: 50_000 });
} finally {
  const existing = await admin.listTopics();
  await admin.deleteTopics({ topics: existing.filter((t) => t.startsWith(`kitbench-${run}`) || t.startsWith(`MOL-${namespace}`)) });
  await admin.disconnect();
}
