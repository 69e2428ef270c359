// Kit against its peers on a gRPC unary call, in one process: Sum adds two int32s
// ({a, b} → {v}), protobuf on the wire, over HTTP/2 on 127.0.0.1 (ports 18800-18803), each
// framework with its own server and its own client:
//
// - raw grpc-js: a `grpc.Server` with a callback handler, called by `makeUnaryRequest`;
// - Kit: `@kit/transport-grpc`'s `server` bound with `bindService` on a grpc-js server, called by
//   its `client` endpoint;
// - NestJS microservices: `createMicroservice` with `Transport.GRPC` and a `@GrpcMethod` handler
//   (decorators applied by hand: Node strips types without running them), called through
//   `ClientProxyFactory`'s gRPC client, `firstValueFrom(service.sum(…))`; it runs on grpc-js;
// - Connect-node: `connectNodeAdapter` on a `node:http2` server, called by `createClient` over
//   `createGrpcTransport` (the gRPC protocol, HTTP/2), with the service described by a
//   descriptor built here (no code generation), and TCP_NODELAY on both ends (see connect()).
//
// raw, Kit and NestJS load the same service definition (proto-loader, from the JSON below);
// Connect gets the same messages and service as a FileDescriptorProto. Every case runs with 64
// calls in flight (calls/s and this process's CPU per call: client and server together), then
// one call at a time (p50/p99 µs), in interleaved rounds (peers/harness.ts); every ratio is to
// raw grpc-js. `node peers/grpc.bench.ts`.
import "reflect-metadata";
import http2 from "node:http2";
import { connect as netConnect, type Socket } from "node:net";
import { create } from "@bufbuild/protobuf";
import { createFileRegistry, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FieldDescriptorProto_Label, FieldDescriptorProto_Type } from "@bufbuild/protobuf/wkt";
import { createClient, type ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { background, type Context } from "@kit/endpoint";
import { bindService, client as kitClient, server as kitServer } from "@kit/transport-grpc";
import { Controller, Module, type INestMicroservice } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ClientProxyFactory, GrpcMethod, Transport, type ClientGrpc } from "@nestjs/microservices";
import { firstValueFrom, type Observable } from "rxjs";
import { runPeers, type Peer } from "./harness.ts";

interface SumRequest {
  a: number;
  b: number;
}
interface SumReply {
  v: number;
}

const ports = { raw: 18800, kit: 18801, nest: 18802, connect: 18803 };
const json = {
  nested: {
    bench: {
      nested: {
        Add: { methods: { Sum: { requestType: "SumRequest", responseType: "SumReply" } } },
        SumRequest: { fields: { a: { type: "int32", id: 1 }, b: { type: "int32", id: 2 } } },
        SumReply: { fields: { v: { type: "int32", id: 1 } } },
      },
    },
  },
};
const packageDefinition = protoLoader.fromJSON(json as Parameters<typeof protoLoader.fromJSON>[0], { defaults: true });
const Add = packageDefinition["bench.Add"] as grpc.ServiceDefinition;
const Sum = Add.Sum as grpc.MethodDefinition<SumRequest, SumReply>;

let next = 0;
/** The next request, with `a` cycling so that a reply cannot be a cached one. */
function request(): SumRequest {
  return { a: next++ & 1023, b: 1 };
}
function check(req: SumRequest, reply: SumReply): true {
  if (reply.v !== req.a + req.b) throw new Error(`bad reply ${JSON.stringify(reply)} to ${JSON.stringify(req)}`);
  return true;
}

function bind(server: grpc.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${String(port)}`, grpc.ServerCredentials.createInsecure(), (err) => {
      if (err === null) resolve();
      else reject(err);
    });
  });
}

async function raw(): Promise<Peer> {
  const server = new grpc.Server();
  server.addService(Add, {
    Sum: (call: grpc.ServerUnaryCall<SumRequest, SumReply>, callback: grpc.sendUnaryData<SumReply>) => {
      callback(null, { v: call.request.a + call.request.b });
    },
  });
  await bind(server, ports.raw);
  const conn = new grpc.Client(`127.0.0.1:${String(ports.raw)}`, grpc.credentials.createInsecure());
  const call = (): Promise<true> =>
    new Promise((resolve, reject) => {
      const req = request();
      conn.makeUnaryRequest<SumRequest, SumReply>(Sum.path, Sum.requestSerialize, Sum.responseDeserialize, req, (err, reply) => {
        if (err !== null || reply === undefined) reject(err ?? new Error("no reply"));
        else resolve(check(req, reply));
      });
    });
  return {
    case: { name: "raw grpc-js", run: call },
    close: async () => {
      conn.close();
      await new Promise<void>((resolve) => {
        server.tryShutdown(() => {
          resolve();
        });
      });
    },
  };
}

async function kit(): Promise<Peer> {
  const server = new grpc.Server();
  bindService(server, Add, { Sum: kitServer((_ctx: Context, { a, b }: SumRequest): Promise<SumReply> => Promise.resolve({ v: a + b })) });
  await bind(server, ports.kit);
  const conn = new grpc.Client(`127.0.0.1:${String(ports.kit)}`, grpc.credentials.createInsecure());
  const sum = kitClient(conn, Sum);
  return {
    case: {
      name: "Kit transport-grpc",
      run: async () => {
        const req = request();
        return check(req, await sum(background(), req));
      },
    },
    close: async () => {
      conn.close();
      await new Promise<void>((resolve) => {
        server.tryShutdown(() => {
          resolve();
        });
      });
    },
  };
}

class AddController {
  sum(data: SumRequest): SumReply {
    return { v: data.a + data.b };
  }
}
GrpcMethod("Add", "Sum")(AddController.prototype, "sum", Object.getOwnPropertyDescriptor(AddController.prototype, "sum") ?? {});
Controller()(AddController);
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is an empty class its decorator describes
class AppModule {}
Module({ controllers: [AddController] })(AppModule);

interface AddService {
  sum(req: SumRequest): Observable<SumReply>;
}

async function nest(): Promise<Peer> {
  const options = { package: "bench", packageDefinition, url: `127.0.0.1:${String(ports.nest)}` };
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest documents its options as this literal
  const app: INestMicroservice = await NestFactory.createMicroservice(AppModule, { transport: Transport.GRPC, options, logger: false });
  await app.listen();
  const client = ClientProxyFactory.create({ transport: Transport.GRPC, options }) as unknown as ClientGrpc & { close: () => void };
  const service = client.getService<AddService>("Add");
  return {
    case: {
      name: "NestJS microservices (gRPC)",
      run: async () => {
        const req = request();
        return check(req, await firstValueFrom(service.sum(req)));
      },
    },
    close: async () => {
      client.close();
      await app.close();
    },
  };
}

/** The Add service as Connect needs it: a FileDescriptorProto of the same messages, made here. */
function connectService(): DescService {
  const int32 = (name: string, number: number) => ({ name, number, jsonName: name, type: FieldDescriptorProto_Type.INT32, label: FieldDescriptorProto_Label.OPTIONAL });
  const file = create(FileDescriptorProtoSchema, {
    name: "bench.proto",
    package: "bench",
    syntax: "proto3",
    messageType: [
      { name: "SumRequest", field: [int32("a", 1), int32("b", 2)] },
      { name: "SumReply", field: [int32("v", 1)] },
    ],
    service: [{ name: "Add", method: [{ name: "Sum", inputType: ".bench.SumRequest", outputType: ".bench.SumReply" }] }],
  });
  const service = createFileRegistry(file, () => undefined).getService("bench.Add");
  if (service === undefined) throw new Error("no bench.Add in the descriptor");
  return service;
}

async function connect(): Promise<Peer> {
  const service = connectService();
  const impl = { sum: (req: SumRequest) => ({ v: req.a + req.b }) } as unknown as ServiceImpl<typeof service>;
  const server = http2.createServer(connectNodeAdapter({ routes: (router) => router.service(service, impl) }));
  // TCP_NODELAY on both ends (grpc-js sets it on its client's sockets; Connect on neither, and
  // without it one call at a time took about 9 ms at p50 here against 2.6 ms with it).
  server.on("connection", (socket: Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(ports.connect, "127.0.0.1", resolve));
  const transport = createGrpcTransport({
    baseUrl: `http://127.0.0.1:${String(ports.connect)}`,
    nodeOptions: { createConnection: () => netConnect({ host: "127.0.0.1", port: ports.connect, noDelay: true }) },
  });
  const client = createClient(service, transport) as unknown as { sum: (req: SumRequest) => Promise<SumReply> };
  return {
    case: {
      name: "Connect-node (gRPC protocol)",
      run: async () => {
        const req = request();
        return check(req, await client.sum(req));
      },
    },
    close: async () => {
      server.close();
      await new Promise<void>((resolve) => {
        server.once("close", resolve);
        setTimeout(resolve, 1_000).unref();
      });
    },
  };
}

const peers: Peer[] = [];
try {
  peers.push(await raw(), await kit(), await nest(), await connect());
} catch (err) {
  for (const peer of peers) await peer.close();
  throw err;
}
// Issue 18 sets one target here (≥ 0.95 of raw grpc-js); the peers' ratios are printed above.
const targets = [{ name: "Kit transport-grpc", than: "raw grpc-js", min: 0.95 }];
await runPeers("gRPC unary Sum, protobuf", peers, "raw grpc-js", { targets });
