// The request/response part of @kit/transport/testing's conformance suite over real gRPC: a
// grpc-js server on 127.0.0.1 per case, serving the test service's unary Echo method with the
// probe as JSON text, and Kit's client.
import type { Context } from "@kit/endpoint";
import type { Subscriber } from "@kit/transport";
import { conformanceCases, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import * as grpc from "@grpc/grpc-js";
import { afterAll, test } from "vitest";
import { bindService } from "../src/bind-service.ts";
import { client } from "../src/client.ts";
import { server } from "../src/server.ts";
import { Echo, Test, type EchoReply, type EchoRequest } from "./harness.ts";

const clients: grpc.Client[] = [];
afterAll(() => {
  for (const c of clients) c.close();
});

/** Each address's port, and the server bound to it until a case closes it. */
const servers = new Map<string, grpc.Server | undefined>();

async function bindTo(addr: string): Promise<{ server: grpc.Server; port: number }> {
  const grpcServer = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync(addr, grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err === null) resolve(p);
      else reject(err);
    });
  });
  return { server: grpcServer, port };
}

/** An address with a port of its own (the first server is bound already, so the port is known). */
async function bind(): Promise<string> {
  const { server: grpcServer, port } = await bindTo("127.0.0.1:0");
  const addr = `127.0.0.1:${String(port)}`;
  servers.set(addr, grpcServer);
  return addr;
}

const probeOf = (_ctx: Context, message: EchoRequest): Probe => JSON.parse(message.text) as Probe;
const replyOf = (_ctx: Context, message: EchoReply): ProbeReply => JSON.parse(message.text) as ProbeReply;
const toText = (_ctx: Context, value: unknown): EchoRequest => ({ text: JSON.stringify(value) });

/** Serves the endpoint as Echo until `close()`, which lets calls in flight finish (`tryShutdown`). */
async function serveOn(addr: string, handler: grpc.handleUnaryCall<EchoRequest, EchoReply>): Promise<Subscriber> {
  const grpcServer = servers.get(addr) ?? (await bindTo(addr)).server; // a fresh server after a case closed the last one
  servers.set(addr, undefined);
  bindService(grpcServer, Test, { Echo: handler as grpc.UntypedHandleCall });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      grpcServer.tryShutdown(() => {
        resolve();
      });
    }));
  return { ready: Promise.resolve(), close, [Symbol.asyncDispose]: close };
}

const harness: ConformanceHarness = {
  name: "grpc",
  address: bind,
  serve: (addr, endpoint, options) =>
    serveOn(addr, server<Probe, ProbeReply, EchoRequest, EchoReply>(endpoint, probeOf, toText, { ...(options.errorHandler === undefined ? {} : { errorHandler: options.errorHandler }) })),
  requester: (addr, options) => {
    const conn = new grpc.Client(addr, grpc.credentials.createInsecure());
    clients.push(conn);
    return client<EchoRequest, EchoReply, Probe, ProbeReply>(conn, Echo, toText, replyOf, {
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    });
  },
  lacks: {
    hooks: "gRPC's hooks see metadata, not a message (the package's own tests cover them)",
    deadline: "no queue: a call is served at once or refused",
    "consumer-killed": "no broker redelivers what a dead server held; the caller sees the call fail",
    poison: "no dead letter: a request that cannot be decoded is answered INVALID_ARGUMENT",
    "dead-letter-unwritable": "no dead letter",
    "broker-restart": "no broker",
    "startup-failure": "the server is a set of handlers: binding is the application's",
  },
};

// eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
for (const c of conformanceCases(harness)) test(c.name, c.run, c.timeout);
