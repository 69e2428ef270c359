// Kit against its peers on Kafka events, in one process, through one Kafka (KAFKA_BROKERS,
// default 127.0.0.1:9092). Events, not request/reply (peers/kafka-rpc.bench.ts has that): an
// event (fire-and-forget) is what every side does the same way on Kafka. One call = one event
// {"id":n,"a":1,"b":2} as JSON produced, and the call resolves when the side's consumer has
// handled that event (found by its id), so "calls/s" is events
// carried end to end, 64 in flight, each side on a topic of one partition of its own (Moleculer
// makes its own topics):
//
// - raw kafkajs: `producer.send` (acks -1, one record per call) and a consumer's `eachMessage`
//   that parses the JSON (autoCommit);
// - Kit: `@kit/transport-kafka`'s `publisher` (JSON message codec, on its own kafkajs producer)
//   and `subscriber` (decodeJSONMessage, the subscriber runtime, commit after success);
// - Moleculer 0.15: `broker.emit("sum.added", …)` from a caller broker to an event handler on a
//   server broker, on its Kafka transporter (@platformatic/kafka);
// - NestJS microservices: `ClientProxyFactory`'s Kafka client (`producerOnlyMode`) `emit`s to an
//   `@EventPattern` handler of a `createMicroservice` with `Transport.KAFKA` (both on kafkajs).
//
// 64 in flight (calls/s and this process's CPU per call), then one at a time (p50/p99 µs: the
// time from produce to handled), in interleaved rounds (peers/harness.ts); every ratio is to raw
// kafkajs. `node peers/kafka.bench.ts`.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-kafka";
import { Controller, Module, type INestMicroservice } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ClientProxyFactory, EventPattern, Payload, Transport } from "@nestjs/microservices";
import { Kafka, logLevel } from "kafkajs";
import { ServiceBroker, type Context as MoleculerContext } from "moleculer";
import { firstValueFrom } from "rxjs";
import { runPeers, type Peer } from "./harness.ts";

interface Added {
  id: number;
  a: number;
  b: number;
}

const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const run = randomUUID().slice(0, 8);
const kafka = new Kafka({ clientId: `kitbench-${run}`, brokers, logLevel: logLevel.NOTHING });
const topics = { raw: `kitbench-${run}-raw`, kit: `kitbench-${run}-kit`, nest: `kitbench-${run}-nest` };
const namespace = `kitbench-${run}`;

/** Events sent and not yet handled, by id: each side's handler calls `handled`. */
const waiting = new Map<number, () => void>();
let nextId = 0;
function handled(event: Added): void {
  if (event.a + event.b !== 3) throw new Error(`bad event ${JSON.stringify(event)}`);
  waiting.get(event.id)?.();
  waiting.delete(event.id);
}
/** One call: sends event `id` with `send` and resolves once a handler has it. */
function through(send: (event: Added) => Promise<unknown>): () => Promise<unknown> {
  return () => {
    const event = { id: nextId++, a: 1, b: 2 };
    return Promise.all([new Promise<void>((resolve) => waiting.set(event.id, resolve)), send(event)]);
  };
}

async function raw(): Promise<Peer> {
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `kitbench-${run}-raw`, maxWaitTimeInMs: 100 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: topics.raw, fromBeginning: true });
  await consumer.run({
    // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
    eachMessage: async ({ message }) => {
      handled(JSON.parse(message.value?.toString() ?? "null") as Added);
    },
  });
  return {
    case: { name: "raw kafkajs", run: through((event) => producer.send({ topic: topics.raw, acks: -1, messages: [{ value: JSON.stringify(event) }] })) },
    close: async () => {
      await Promise.all([producer.disconnect(), consumer.disconnect()]);
    },
  };
}

async function kit(): Promise<Peer> {
  const producer = kafka.producer();
  await producer.connect();
  const handle: Endpoint<Added, undefined> = (_ctx, event) => {
    handled(event);
    return Promise.resolve(undefined);
  };
  const sub = await subscriber(kafka, topics.kit, handle, decodeJSONMessage<Added>(), encodeJSONMessage, { groupId: `kitbench-${run}-kit`, fromBeginning: true, concurrency: 64 });
  const publish = publisher(producer, topics.kit, encodeJSONMessage);
  const ctx = background();
  return {
    case: { name: "Kit transport-kafka", run: through((event) => publish(ctx, event)) },
    close: async () => {
      await sub.close();
      await producer.disconnect();
    },
  };
}

async function moleculer(): Promise<Peer> {
  const transporter = { type: "Kafka" as const, options: { bootstrapBrokers: brokers, clientId: `kitbench-${run}` } };
  const options = { namespace, transporter, logger: false, metrics: false, tracing: false };
  const server = new ServiceBroker({ ...options, nodeID: `server-${run}` });
  server.createService({
    name: "math",
    events: {
      "sum.added": (ctx: MoleculerContext<Added>) => {
        handled(ctx.params);
      },
    },
  });
  const caller = new ServiceBroker({ ...options, nodeID: `caller-${run}` });
  await Promise.all([server.start(), caller.start()]);
  await caller.waitForServices(["math"], 30_000);
  return {
    case: { name: "Moleculer 0.15 (Kafka)", run: through((event) => caller.emit("sum.added", event)) },
    close: async () => {
      await Promise.all([caller.stop(), server.stop()]);
    },
  };
}

class MathController {
  added(event: Added): void {
    handled(event);
  }
}
Payload()(MathController.prototype, "added", 0);
EventPattern(topics.nest)(MathController.prototype, "added", Object.getOwnPropertyDescriptor(MathController.prototype, "added") ?? {});
Controller()(MathController);
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is an empty class its decorator describes
class AppModule {}
Module({ controllers: [MathController] })(AppModule);

async function nest(): Promise<Peer> {
  const client = { clientId: `kitbench-${run}-nest`, brokers };
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest documents its options as this literal
  const app: INestMicroservice = await NestFactory.createMicroservice(AppModule, {
    transport: Transport.KAFKA,
    options: { client, consumer: { groupId: `kitbench-${run}-nest`, maxWaitTimeInMs: 100 }, subscribe: { fromBeginning: true } },
    logger: false,
  });
  await app.listen();
  const proxy = ClientProxyFactory.create({ transport: Transport.KAFKA, options: { client, producerOnlyMode: true } });
  await proxy.connect();
  return {
    case: { name: "NestJS microservices (Kafka)", run: through((event) => firstValueFrom(proxy.emit(topics.nest, event), { defaultValue: undefined })) },
    close: async () => {
      await proxy.close();
      await app.close();
    },
  };
}

/** Runs `send` once and fails if its event is not handled within 30 s (a consumer joins its group first). */
async function firstEvent(peer: Peer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${peer.case.name}: no event handled in 30 s`));
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
await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
const peers: Peer[] = [];
try {
  try {
    peers.push(await raw(), await kit(), await moleculer(), await nest());
    for (const peer of peers) await firstEvent(peer);
  } catch (err) {
    for (const peer of peers) await peer.close();
    throw err;
  }
  const targets = [{ name: "Kit transport-kafka", than: "raw kafkajs", min: 0.95 }];
  await runPeers("Kafka events, produce → handled, JSON", peers, "raw kafkajs", { targets, maxCallsPerRound: 50_000 });
} finally {
  const existing = await admin.listTopics();
  await admin.deleteTopics({ topics: existing.filter((t) => t.startsWith(`kitbench-${run}`) || t.startsWith(`MOL-${namespace}`)) });
  await admin.disconnect();
}
