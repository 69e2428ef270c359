import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { Test } from "../test/harness.ts";
import { bindService } from "./bind-service.ts";
import { bidiStream, clientStream, server, serverStream } from "./server.ts";

// No network: binding happens before the server listens.

const unary = server(async () => Promise.resolve({ text: "" }));
const streaming = serverStream(async function* () {
  yield await Promise.resolve({ seq: 0 });
});

describe("bindService", () => {
  it("binds a handler of the right kind for each method", () => {
    const grpcServer = new grpc.Server();
    expect(() => {
      bindService(grpcServer, Test, {
        Echo: unary,
        Count: streaming,
        Total: clientStream(async () => Promise.resolve({ count: 0, sum: 0 })),
        Chat: bidiStream(async function* () {
          yield await Promise.resolve({ text: "" });
        }),
      });
    }).not.toThrow();
  });

  it("accepts the method's original .proto spelling", () => {
    expect(() => {
      bindService(new grpc.Server(), Test, { echo: unary });
    }).not.toThrow();
  });

  it("refuses a method the service does not have, naming the ones it has", () => {
    expect(() => {
      bindService(new grpc.Server(), Test, { Ekho: unary });
    }).toThrow("bindService: the service has no method Ekho; it has Echo, Count, Total, Chat");
  });

  it("refuses a handler made for another kind of method", () => {
    expect(() => {
      bindService(new grpc.Server(), Test, { Count: unary });
    }).toThrow("bindService: /kittest.Test/Count is a server-stream method, but its handler serves unary calls");
    expect(() => {
      bindService(new grpc.Server(), Test, { Echo: streaming });
    }).toThrow("bindService: /kittest.Test/Echo is a unary method, but its handler serves server-stream calls");
  });

  it("leaves the definition it was given unchanged", () => {
    const deserialize = Test.Echo!.requestDeserialize;
    bindService(new grpc.Server(), Test, { Echo: unary });
    expect(Test.Echo!.requestDeserialize).toBe(deserialize);
  });
});
