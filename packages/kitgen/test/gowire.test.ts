// Go kit's wire through the generated code (@jsonCaseInsensitive, @resultField): requests whose
// keys differ in case from the fields, results in a field `v` over HTTP, gRPC and the memory
// transport, and the bytes protobuf puts that field in.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
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
    for (const svc of [adderClient(httpTransport(url)), adderClient(grpcTransport(conn)), adderClient(memoryTransport(broker))]) {
      const err: unknown = await svc.sum(ctx(), 0, 0).catch((e: unknown) => e);
      expect(isKitError(err) && [err.code, err.message]).toEqual([Code.InvalidArgument, "can't sum two zeroes"]);
    }
  });

  it("puts the result in protobuf field 1, named v in the .proto: Go kit's SumReply reads it", () => {
    // field 1, varint (tag 0x08), 300 as a varint (0xac 0x02)
    expect([...encodeSumResponse({ v: 300 })]).toEqual([0x08, 0xac, 0x02]);
    expect(decodeSumResponse(Uint8Array.from([0x08, 0xac, 0x02]))).toEqual({ v: 300 });
  });

  it("checks the wrapper in the response's validator, and leaves an object result as it is", async () => {
    expect(await validate(sumResponse, { V: 3 })).toBe(3);
    await expect(validate(sumResponse, 3)).rejects.toMatchObject({ code: Code.InvalidArgument, message: "expected an object" });
    await expect(validate(sumResponse, { w: 3 })).rejects.toMatchObject({ message: "v: required" });
    expect(await validate(clockResponse, { HOUR: 9, zone: "UTC" })).toEqual({ hour: 9, zone: "UTC" });
    expect(await validate(sumRequest, { A: 1, b: 2, c: 3 })).toEqual({ a: 1, b: 2 });
  });
});
