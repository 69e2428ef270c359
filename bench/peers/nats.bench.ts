// Kit against its peers on NATS request/reply, in one process: the Sum call, {"a":1,"b":2} as
// JSON answered {"v":3}, through one NATS server (NATS_URL, default nats://127.0.0.1:4222).
//
// - raw nats.js (@nats-io/transport-node, `noAsyncTraces`, its fastest): `nc.request` answered
//   by a `subscribe` callback that parses and `respond`s;
// - Kit: `@kit/transport-nats`'s `publisher` and `subscriber` on `noAsyncTraces` connections too,
//   twice: with the JSON message codecs (`encodeJSONMessage` also sets `content-type:
//   application/json`, which @kit/transport-nats leaves off the wire since 2026-12-06: JSON is a
//   NATS message's default body, so the same bytes as raw's; until then every request and reply
//   carried a header block), and with an encoder that writes the JSON body only and sets no
//   header (decoding is `decodeJSONMessage`);
// - Moleculer 0.15: a caller broker and a server broker on its NATS transporter (`nats` 2),
//   `broker.call("math.sum", {a, b})`;
// - NestJS microservices: `createMicroservice` with `Transport.NATS` and a `@MessagePattern`
//   handler (decorators applied by hand: Node strips types without running them), called
//   through `ClientProxyFactory`'s NATS client, `firstValueFrom(client.send(…))`.
// Everything runs in this one process (clients and servers; the NATS server apart), each
// framework on connections of its own. Each case runs with 64 calls in flight (calls/s and this
// process's CPU per call), then one at a time (p50/p99 µs: the latency a chain pays per hop), in
// interleaved rounds (peers/harness.ts); every ratio is to raw nats.js, and issue 18's targets
// are printed for Kit. `node peers/nats.bench.ts`.
//
// Measured (2026-12-06, 2 shared cores, load average about 2), 64 in flight, calls/s over raw
// nats.js's, CPU µs per call in brackets (raw nats.js 33.0): Kit (JSON codecs) 1.29× (27.8),
// Kit (JSON body only) 1.44× (22.8), Moleculer 1.07× (32.2), NestJS 0.58× (64.2); so Kit with
// its JSON codecs is 1.20× Moleculer and 2.23× NestJS. Before @kit/transport-nats wrote its header
// blocks itself and read received ones from the wire, a run a minute earlier gave Kit (JSON codecs)
// 0.85× (40.4 µs), 0.82× Moleculer. Moleculer's figure moves most from run to run (0.88× to 1.33×
// raw in that day's runs), so a ratio to it near 1.2 may read either side of the target.
// Later that day (04:15-04:24 UTC, load average 3.4-5.8), after Kit's reply path lost a promise
// step and a copy of the body view, three runs gave Kit (JSON codecs) 1.45×, 0.96× and 1.05× raw
// (18.2, 16.8 and 14.5 µs; raw 25.3, 18.0 and 17.9), that is 1.41×, 0.88× and 1.12× Moleculer;
// Kit (JSON body only) 15.9, 12.9 and 11.6 µs. Where the gap between the two Kit cases goes
// (socket writes in one run, garbage collection in another): bench/README.md, peers/.
// The loaded rounds also count nats-server's CPU per call (read from /proc when it runs here):
// the header block cost Kit's process about 2.4 µs a call and the server 0.1 to 0.8 µs; without
// it the two Kit cases cost the same side by side. After the change (2026-12-06 07:17-07:43 UTC),
// Kit (JSON codecs) over Moleculer 1.24x, 1.18x (load 10-12), 1.42x (load 2.3): bench/README.md.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage, type EncodeMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-nats";
import { connect } from "@nats-io/transport-node";
import { Controller, Module, type INestMicroservice } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ClientProxyFactory, MessagePattern, Payload, Transport } from "@nestjs/microservices";
import { ServiceBroker, type Context as MoleculerContext } from "moleculer";
import { firstValueFrom } from "rxjs";
import { runPeers, type Peer } from "./harness.ts";

interface Sum {
  a: number;
  b: number;
}

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const run = randomUUID().slice(0, 8);
const request: Sum = { a: 1, b: 2 };
function check(reply: { v: number }): true {
  if (reply.v !== 3) throw new Error(`bad reply ${JSON.stringify(reply)}`);
  return true;
}

async function raw(): Promise<Peer> {
  const server = await connect({ servers: url, noAsyncTraces: true });
  const client = await connect({ servers: url, noAsyncTraces: true });
  const subject = `kitbench.${run}.raw`;
  server.subscribe(subject, {
    callback: (_err, msg) => {
      const { a, b } = msg.json<Sum>();
      msg.respond(JSON.stringify({ v: a + b }));
    },
  });
  await server.flush();
  const body = JSON.stringify(request);
  return {
    case: { name: "raw nats.js", run: async () => check((await client.request(subject, body, { timeout: 5_000 })).json()) },
    close: async () => {
      await Promise.all([server.close(), client.close()]);
    },
  };
}

/** JSON in the body and nothing else: what raw nats.js sends. */
const encodeJSONBody: EncodeMessage<unknown> = (_ctx, value, message) => {
  message.body = Buffer.from(JSON.stringify(value));
};

async function kit(name: string, encode: EncodeMessage<unknown>): Promise<Peer> {
  const server = await connect({ servers: url, noAsyncTraces: true });
  const client = await connect({ servers: url, noAsyncTraces: true });
  const subject = `kitbench.${run}.kit.${String(encode === encodeJSONMessage)}`;
  const sum: Endpoint<Sum, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });
  const sub = subscriber(server, subject, sum, decodeJSONMessage<Sum>(), encode, { concurrency: 64 });
  await server.flush();
  const call = publisher(client, subject, encode, decodeJSONMessage<{ v: number }>(), { timeout: 5_000 });
  return {
    case: { name, run: async () => check(await call(background(), request)) },
    close: async () => {
      await sub.close();
      await Promise.all([server.close(), client.close()]);
    },
  };
}

async function moleculer(): Promise<Peer> {
  const options = { namespace: `kitbench-${run}`, transporter: { type: "NATS" as const, options: { url } }, logger: false, metrics: false, tracing: false };
  const server = new ServiceBroker({ ...options, nodeID: `server-${run}` });
  server.createService({ name: "math", actions: { sum: (ctx: MoleculerContext<Sum>) => ({ v: ctx.params.a + ctx.params.b }) } });
  const caller = new ServiceBroker({ ...options, nodeID: `caller-${run}` });
  await Promise.all([server.start(), caller.start()]);
  await caller.waitForServices(["math"], 10_000);
  return {
    case: { name: "Moleculer 0.15 (NATS)", run: async () => check(await caller.call<{ v: number }, Sum>("math.sum", request)) },
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
const pattern = `kitbench.${run}.nest`;
const method: PropertyDescriptor = Object.getOwnPropertyDescriptor(MathController.prototype, "sum") ?? {};
Payload()(MathController.prototype, "sum", 0);
MessagePattern(pattern)(MathController.prototype, "sum", method);
Controller()(MathController);
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is an empty class its decorator describes
class AppModule {}
Module({ controllers: [MathController] })(AppModule);

async function nest(): Promise<Peer> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest documents its options as this literal
  const app: INestMicroservice = await NestFactory.createMicroservice(AppModule, { transport: Transport.NATS, options: { servers: [url] }, logger: false });
  await app.listen();
  const client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [url] } });
  await client.connect();
  return {
    case: { name: "NestJS microservices (NATS)", run: async () => check(await firstValueFrom(client.send<{ v: number }, Sum>(pattern, request))) },
    close: async () => {
      await client.close();
      await app.close();
    },
  };
}

const KIT = "Kit (JSON codecs)";
const KIT_BODY = "Kit (JSON body only)";
const peers = [await raw(), await kit(KIT, encodeJSONMessage), await kit(KIT_BODY, encodeJSONBody), await moleculer(), await nest()];
const targets = [KIT, KIT_BODY].flatMap((name) => [
  { name, than: "raw nats.js", min: 1.0 },
  { name, than: "Moleculer 0.15 (NATS)", min: 1.2 },
  { name, than: "NestJS microservices (NATS)", min: 1.5 },
]);
await runPeers("NATS request/reply, Sum as JSON", peers, "raw nats.js", { targets, brokerProcess: "nats-server" });
