// Go kit's wire through the generated code (@jsonCaseInsensitive, @resultField): requests whose
// keys differ in case from the fields, results in a field `v` over HTTP, gRPC and the memory
// transport, and the bytes protobuf puts that field in.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { fileURLToPath } from "node:url";
import * as protoLoader from "@grpc/proto-loader";
import { background, Code, isKitError, KitError, withTimeout } from "@kit/endpoint";
import { validate } from "@kit/transport";
import { MemoryBroker } from "@kit/transport-memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adderClient, makeEndpoints } from "./fixtures/gowire/generated/adder.endpoints.ts";
import { grpcServe, grpcTransport } from "./fixtures/gowire/generated/adder.grpc.ts";
import { httpHandler, httpTransport } from "./fixtures/gowire/generated/adder.http.ts";
import { memorySubscribers, memoryTransport } from "./fixtures/gowire/generated/adder.memory.ts";
import { decodeSumResponse, encodeSumResponse } from "./fixtures/gowire/generated/adder.pb.ts";
import { clockResponse, sumRequest, sumResponse } from "./fixtures/gowire/generated/adder.validators.ts";
import { Adder, type AdderService } from "./fixtures/gowire/service.ts";

const endpoints = makeEndpoints(new Adder());
let server: Server;
let url: string;
const grpcServer = new grpc.Server();
let conn: grpc.Client;
const broker = new MemoryBroker();
const quiet = { handle: () => undefined }; // the errors answered here are the ones the tests ask for
const subscribers = memorySubscribers(broker, endpoints, { subscriber: { errorHandler: quiet } });

beforeAll(async () => {
  server = createServer(httpHandler(endpoints, { errorHandler: quiet }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  grpcServe(grpcServer, endpoints, { errorHandler: quiet });
  const port = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) resolve(bound);
      else reject(err);
    });
  });
  conn = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  conn.close();
  grpcServer.forceShutdown();
  await subscribers.close();
  await new Promise((resolve) => server.close(resolve));
});

function ctx() {
  return withTimeout(background(), 5_000)[0];
}

async function post(path: string, body: unknown): Promise<[number, unknown]> {
  const response = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return [response.status, await response.json()];
}

async function everyMethod(svc: AdderService): Promise<unknown[]> {
  return [await svc.sum(ctx(), 2, 3), await svc.concat(ctx(), "kit", "go"), await svc.negate(ctx(), true), await svc.negate(ctx(), false), await svc.clock(ctx(), "UTC")];
}

describe("Go kit's wire (@jsonCaseInsensitive, @resultField)", () => {
  it("reads request keys whatever their case, the last matching key winning, and answers {\"v\": …}", async () => {
    expect(await post("/sum", { A: 1, B: 2 })).toEqual([200, { v: 3 }]);
    expect(await post("/sum", { a: 1, B: 2, extra: true })).toEqual([200, { v: 3 }]);
    expect(await post("/sum", { a: 1, A: 5, b: 1 })).toEqual([200, { v: 6 }]);
    expect(await post("/concat", { A: "kit", b: "go" })).toEqual([200, { v: "kitgo" }]);
    expect(await post("/negate", { FLAG: true })).toEqual([200, { out: null }]);
    expect(await post("/clock", { Zone: "UTC" })).toEqual([200, { hour: 9, zone: "UTC" }]);
  });

  it("names the field of a bad request as the interface spells it", async () => {
    expect(await post("/sum", { A: 1.5, B: 2 })).toEqual([400, expect.objectContaining({ code: "invalid_argument", message: "a: expected an integer" })]);
    expect(await post("/sum", { A: 1 })).toEqual([400, expect.objectContaining({ code: "invalid_argument", message: "b: required" })]);
  });

  it("gives the client the result out of its field, over HTTP, gRPC and the memory transport", async () => {
    const want = [5, "kitgo", null, true, { hour: 9, zone: "UTC" }];
    expect(await everyMethod(adderClient(httpTransport(url)))).toEqual(want);
    expect(await everyMethod(adderClient(grpcTransport(conn)))).toEqual(want);
    await subscribers.ready;
    expect(await everyMethod(adderClient(memoryTransport(broker)))).toEqual(want);
  });

  it("keeps Kit's error codes on every transport", async () => {
    const errorCode = (message: string) => (message === "can't sum two zeroes" ? Code.InvalidArgument : Code.Unknown);
    for (const svc of [adderClient(httpTransport(url)), adderClient(grpcTransport(conn, { errorCode })), adderClient(memoryTransport(broker))]) {
      const err: unknown = await svc.sum(ctx(), 0, 0).catch((e: unknown) => e);
      expect(isKitError(err) && [err.code, err.message]).toEqual([Code.InvalidArgument, "can't sum two zeroes"]);
    }
  });

  it("puts the result in protobuf field 1, named v in the .proto: Go kit's SumReply reads it", () => {
    // field 1, varint (tag 0x08), 300 as a varint (0xac 0x02)
    expect([...encodeSumResponse({ v: 300, err: "" })]).toEqual([0x08, 0xac, 0x02]);
    expect(decodeSumResponse(Uint8Array.from([0x08, 0xac, 0x02]))).toEqual({ v: 300, err: "" });
    // and the error in field 2, a string (tag 0x12)
    expect([...encodeSumResponse({ v: 0, err: "x" })]).toEqual([0x12, 0x01, 0x78]);
  });

  it("checks the wrapper in the response's validator, and leaves an object result as it is", async () => {
    expect(await validate(sumResponse, { V: 3 })).toBe(3);
    await expect(validate(sumResponse, 3)).rejects.toMatchObject({ code: Code.InvalidArgument, message: "expected an object" });
    await expect(validate(sumResponse, { w: 3 })).rejects.toMatchObject({ message: "v: required" });
    expect(await validate(clockResponse, { HOUR: 9, zone: "UTC" })).toEqual({ hour: 9, zone: "UTC" });
    expect(await validate(sumRequest, { A: 1, b: 2, c: 3 })).toEqual({ a: 1, b: 2 });
  });
});

/** A client made from Go kit's addsvc.proto alone (int64 as decimal strings), as a Go kit client would call. */
function goKitClient(target: string): grpc.Client & Record<string, (...args: unknown[]) => grpc.ClientUnaryCall> {
  const protoPath = fileURLToPath(new URL("fixtures/gowire/gokit-addsvc.proto", import.meta.url));
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath, { longs: String, defaults: true }));
  const Add = (pkg.pb as grpc.GrpcObject).Add as grpc.ServiceClientConstructor;
  return new Add(target, grpc.credentials.createInsecure()) as grpc.Client & Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>;
}

function unary(c: ReturnType<typeof goKitClient>, method: string, request: unknown): Promise<{ code: number; reply: unknown }> {
  return new Promise((resolve) => {
    c[method]?.(request, { deadline: Date.now() + 5_000 }, (err: grpc.ServiceError | null, reply?: unknown) => {
      resolve({ code: err?.code ?? grpc.status.OK, reply: err === null ? reply : err.details });
    });
  });
}

/** Serves `endpoints` with `grpcServe` on a free port for `body`, then shuts down. */
async function serving(endpoints: Parameters<typeof grpcServe>[1], options: Parameters<typeof grpcServe>[2], body: (target: string) => Promise<void>): Promise<void> {
  const s = new grpc.Server();
  grpcServe(s, endpoints, { errorHandler: quiet, ...options });
  const port = await new Promise<number>((resolve, reject) => {
    s.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) resolve(bound);
      else reject(err);
    });
  });
  try {
    await body(`127.0.0.1:${port}`);
  } finally {
    s.forceShutdown();
  }
}

describe("Go kit's gRPC contract (@protoPackage, @protoService, @errorField)", () => {
  it("serves /pb.Add/Sum to a Go kit client: the result in v, an empty err, status OK", async () => {
    await serving(endpoints, {}, async (target) => {
      const c = goKitClient(target);
      try {
        expect(await unary(c, "Sum", { a: "2", b: "3" })).toEqual({ code: grpc.status.OK, reply: { v: "5", err: "" } });
        expect(await unary(c, "Concat", { a: "kit", b: "go" })).toEqual({ code: grpc.status.OK, reply: { v: "kitgo", err: "" } });
      } finally {
        c.close();
      }
    });
  });

  it("answers a KitError the endpoint throws in err, with v zero and status OK, as Go kit's err2str", async () => {
    await serving(endpoints, {}, async (target) => {
      const c = goKitClient(target);
      try {
        expect(await unary(c, "Sum", { a: "0", b: "0" })).toEqual({ code: grpc.status.OK, reply: { v: "0", err: "can't sum two zeroes" } });
      } finally {
        c.close();
      }
    });
  });

  it("answers a request its validator refuses, and an error that is not a KitError, with a gRPC status", async () => {
    const bug = { ...endpoints, concat: () => Promise.reject(new Error("a bug")) };
    await serving(bug, {}, async (target) => {
      const c = goKitClient(target);
      try {
        expect(await unary(c, "Sum", { a: "9007199254740993", b: "1" })).toEqual({ code: grpc.status.INVALID_ARGUMENT, reply: "a: expected a safe integer" });
        expect(await unary(c, "Concat", { a: "a", b: "b" })).toEqual({ code: grpc.status.INTERNAL, reply: "internal error" });
      } finally {
        c.close();
      }
    });
  });

  it("takes a method's own request decoder in place of its validator", async () => {
    const seen: unknown[] = [];
    const sum = (_ctx: unknown, request: { a: number; b: number }) => {
      seen.push(request);
      return Promise.reject(new KitError(Code.InvalidArgument, "not a safe integer"));
    };
    const decoders = { sum: (_ctx: unknown, message: Record<string, unknown>) => ({ a: Number(message.a), b: Number(message.b) }) };
    await serving({ ...endpoints, sum }, { decoders }, async (target) => {
      const c = goKitClient(target);
      try {
        expect(await unary(c, "Sum", { a: "9007199254740993", b: "1" })).toEqual({ code: grpc.status.OK, reply: { v: "0", err: "not a safe integer" } });
      } finally {
        c.close();
      }
    });
    expect(seen).toEqual([{ a: 9007199254740992, b: 1 }]);
  });

  it("throws a non-empty err as a KitError, with the code errorCode gives it (unknown by default)", async () => {
    await serving(endpoints, {}, async (target) => {
      const c = new grpc.Client(target, grpc.credentials.createInsecure());
      try {
        const plain = await adderClient(grpcTransport(c)).sum(ctx(), 0, 0).catch((e: unknown) => e);
        expect(isKitError(plain) && [plain.code, plain.message]).toEqual([Code.Unknown, "can't sum two zeroes"]);
        const coded = await adderClient(grpcTransport(c, { errorCode: () => Code.OutOfRange })).sum(ctx(), 0, 0).catch((e: unknown) => e);
        expect(isKitError(coded) && coded.code).toBe(Code.OutOfRange);
        expect(await adderClient(grpcTransport(c)).clock(ctx(), "UTC")).toEqual({ hour: 9, zone: "UTC" });
      } finally {
        c.close();
      }
    });
  });
});
