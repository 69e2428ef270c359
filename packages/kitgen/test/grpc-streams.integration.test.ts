// The generated gRPC transport's streaming calls over real gRPC on 127.0.0.1: one method of each
// kind (unary, server, client and bidirectional streaming) through a client that implements the
// interface, each element checked by its validator (invalid_argument naming the field).
import * as grpc from "@grpc/grpc-js";
import { background, Code, isKitError, withTimeout, type Context } from "@kit/endpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEndpoints, streamsClient } from "./fixtures/streams/generated/streams.endpoints.ts";
import { grpcServe, grpcTransport, streamsServiceDefinition } from "./fixtures/streams/generated/streams.grpc.ts";
import type { StreamsService, Tick } from "./fixtures/streams/service.ts";

const impl: StreamsService = {
  hello: (_ctx: Context, name: string) => Promise.resolve(`hello, ${name}`),
  async *ticks(_ctx: Context, from: number, count: number) {
    for (let n = from; n < from + count; n++) {
      await Promise.resolve();
      yield { n, label: `tick ${n}` };
    }
  },
  async total(_ctx: Context, values: AsyncIterable<number>) {
    let sum = 0;
    for await (const v of values) sum += v;
    return sum;
  },
  async *shout(_ctx: Context, ticks: AsyncIterable<Tick>) {
    for await (const t of ticks) yield { n: t.n, label: t.label.toUpperCase() };
  },
};
const errors: string[] = [];
const server = new grpc.Server();
let conn: grpc.Client;
let svc: StreamsService;

beforeAll(async () => {
  grpcServe(server, makeEndpoints(impl), { errorHandler: { handle: (_ctx, err) => void errors.push(err.message) } });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) resolve(bound);
      else reject(err);
    });
  });
  conn = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  svc = streamsClient(grpcTransport(conn));
});
afterAll(() => {
  conn.close();
  server.forceShutdown();
});

function ctx(): Context {
  return withTimeout(background(), 5_000)[0];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* from<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

describe("generated gRPC streaming", () => {
  it("declares each method's call kind", () => {
    const kinds = Object.values(streamsServiceDefinition).map((d) => [d.requestStream, d.responseStream]);
    expect(kinds).toEqual([
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ]);
  });

  it("calls a unary method", async () => {
    expect(await svc.hello(ctx(), "kit")).toBe("hello, kit");
  });

  it("streams a server's replies, in order, and none for a count of 0", async () => {
    expect(await collect(svc.ticks(ctx(), -2, 4))).toEqual([-2, -1, 0, 1].map((n) => ({ n, label: `tick ${n}` })));
    expect(await collect(svc.ticks(ctx(), 5, 0))).toEqual([]);
  });

  it("streams a client's requests, scalar elements in a wrapper", async () => {
    expect(await svc.total(ctx(), from([1.5, 2.25, -4]))).toBe(-0.25);
    expect(await svc.total(ctx(), from<number>([]))).toBe(0);
  });

  it("streams both ways", async () => {
    const sent = Array.from({ length: 50 }, (_, n) => ({ n, label: `t${n}` }));
    expect(await collect(svc.shout(ctx(), from(sent)))).toEqual(sent.map((t) => ({ n: t.n, label: t.label.toUpperCase() })));
  });

  it("refuses, on the client, a request or an element the validator rejects, naming the field", async () => {
    await expect(collect(svc.ticks(ctx(), 0, 101))).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.InvalidArgument && err.message === "count: expected at most 100");
    const bad = from([{ n: 1, label: "ok" }, { n: 2.5, label: "half" }]);
    await expect(collect(svc.shout(ctx(), bad))).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.InvalidArgument && err.message === "n: expected an integer");
    // refused before they were sent: the server saw neither (only the bidi call the client canceled)
    expect(errors).not.toContain("count: expected at most 100");
    expect(errors).not.toContain("n: expected an integer");
  });

  it("refuses, on the server, a request the validator rejects (from a client that does not check)", async () => {
    errors.length = 0;
    const rpc = streamsServiceDefinition.Ticks;
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      const call = conn.makeServerStreamRequest(rpc.path, rpc.requestSerialize, rpc.responseDeserialize, { from: 0, count: 101 });
      call.on("data", () => undefined);
      call.on("status", resolve);
      call.on("error", () => undefined);
    });
    expect([status.code, status.details]).toEqual([grpc.status.INVALID_ARGUMENT, "count: expected at most 100"]);
    expect(errors).toContain("count: expected at most 100");
  });
});
