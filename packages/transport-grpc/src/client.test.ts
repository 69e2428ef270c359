import * as grpc from "@grpc/grpc-js";
import type { BidiStreamEndpoint, ClientStreamEndpoint, Endpoint, ServerStreamEndpoint } from "@kit/endpoint";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import { Chat, Count, Echo, Total, type CountRequest, type EchoReply, type EchoRequest, type Item, type TotalReply } from "../test/harness.ts";
import { client } from "./client.ts";
import { bidiStreamClient, clientStreamClient, serverStreamClient } from "./stream-client.ts";

// No network: a grpc-js client connects only when it first calls.

const conn = new grpc.Client("127.0.0.1:1", grpc.credentials.createInsecure());
afterAll(() => {
  conn.close();
});

describe("client functions", () => {
  it("type their endpoints from a typed method definition when no codec is given", () => {
    const echo = client(conn, Echo);
    expectTypeOf(echo).toEqualTypeOf<Endpoint<EchoRequest, EchoReply>>();
    expect(echo).toBeTypeOf("function");
    expectTypeOf(serverStreamClient(conn, Count)).toEqualTypeOf<ServerStreamEndpoint<CountRequest, Item>>();
    expectTypeOf(clientStreamClient(conn, Total)).toEqualTypeOf<ClientStreamEndpoint<Item, TotalReply>>();
    expectTypeOf(bidiStreamClient(conn, Chat)).toEqualTypeOf<BidiStreamEndpoint<EchoRequest, EchoReply>>();
  });

  it("type their endpoints from the codecs when given", () => {
    const length = client(
      conn,
      Echo,
      (_ctx, text: string): EchoRequest => ({ text }),
      (_ctx, reply: EchoReply) => reply.text.length,
    );
    expectTypeOf(length).toEqualTypeOf<Endpoint<string, number>>();
    expect(length).toBeTypeOf("function");
  });

  it("refuse a method of another kind, naming both kinds", () => {
    expect(() => serverStreamClient(conn, Echo)).toThrow("serverStreamClient: /kittest.Test/Echo is a unary method; serverStreamClient calls server-stream methods");
    expect(() => clientStreamClient(conn, Chat)).toThrow("clientStreamClient: /kittest.Test/Chat is a bidi-stream method; clientStreamClient calls client-stream methods");
    expect(() => bidiStreamClient(conn, Total)).toThrow("bidiStreamClient: /kittest.Test/Total is a client-stream method; bidiStreamClient calls bidi-stream methods");
  });
});
