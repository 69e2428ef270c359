/* eslint-disable @typescript-eslint/require-await -- endpoints written as async generators need not await */
import * as grpc from "@grpc/grpc-js";
import { background, Code, KitError, withCancel, withTimeout, type Context } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, Count as CountMethod, Total as TotalMethod, Chat as ChatMethod, type CountRequest, type EchoReply, type EchoRequest, type Item, type Running, type TotalReply } from "../test/harness.ts";
import { bidiStream, clientStream, serverStream } from "./server.ts";
import { bidiStreamClient, clientStreamClient, serverStreamClient } from "./stream-client.ts";

// Kit's streaming servers and clients against each other over a real grpc-js server on
// 127.0.0.1, plus raw grpc-js peers where the status on the wire matters.

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the signal aborts, or 20 s. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    signal.addEventListener(
      "abort",
      () => {
        resolve();
      },
      { once: true },
    );
    setTimeout(resolve, 20_000).unref();
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** An async iterable of requests that records how far it was read and whether it was stopped. */
function requests<T>(make: (i: number) => T, count: number, gapMs = 0): { items: AsyncIterable<T>; state: { produced: number; returned: boolean } } {
  const state = { produced: 0, returned: false };
  async function* items(): AsyncGenerator<T> {
    try {
      for (let i = 0; i < count; i++) {
        if (gapMs > 0) await sleep(gapMs);
        state.produced++;
        yield make(i);
      }
    } finally {
      state.returned = true;
    }
  }
  return { items: items(), state };
}

describe("server streaming", () => {
  it("streams the endpoint's values to the client, in order", async () => {
    running = await startServer({
      Count: serverStream(async function* (_ctx: Context, { n }: CountRequest): AsyncGenerator<Item> {
        for (let seq = 0; seq < n; seq++) yield { seq };
      }),
    });
    const count = serverStreamClient<CountRequest, Item>(running.conn, CountMethod);
    const items = await collect(count(background(), { n: 5 }));
    expect(items.map((i) => i.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it("ends the stream with the status of an error thrown midway, after the values before it", async () => {
    running = await startServer({
      Count: serverStream(async function* (): AsyncGenerator<Item> {
        yield { seq: 0 };
        yield { seq: 1 };
        throw new KitError(Code.ResourceExhausted, "quota used up");
      }),
    });
    const seen: number[] = [];
    const err = await (async () => {
      for await (const item of serverStreamClient<CountRequest, Item>(running.conn, CountMethod)(background(), { n: 9 })) seen.push(item.seq);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0, 1]);
    expect(err).toMatchObject({ code: Code.ResourceExhausted, message: "quota used up" });
  });

  it("sends after's trailer and gives it to the client's after hook", async () => {
    running = await startServer({
      Count: serverStream(
        async function* (): AsyncGenerator<Item> {
          yield { seq: 0 };
        },
        undefined,
        undefined,
        { after: [(ctx, _header, trailer) => (trailer.set("x-total", "1"), ctx)] },
      ),
    });
    const trailers: string[] = [];
    const count = serverStreamClient<CountRequest, Item>(running.conn, CountMethod, undefined, undefined, {
      after: [(ctx, _header, trailer) => (trailers.push(String(trailer.get("x-total")[0])), ctx)],
    });
    await collect(count(background(), { n: 1 }));
    expect(trailers).toEqual(["1"]);
  });

  it("runs the client's after hook on a stream that failed midway, with the trailer the server's errorEncoder set", async () => {
    running = await startServer({
      Count: serverStream(
        async function* (): AsyncGenerator<Item> {
          yield { seq: 0 };
          throw new KitError(Code.ResourceExhausted, "quota used up");
        },
        undefined,
        undefined,
        { errorEncoder: (_ctx, err, trailer) => (trailer.set("x-retry-after", "5"), { code: grpc.status.RESOURCE_EXHAUSTED, details: err.message }) },
      ),
    });
    const trailers: string[] = [];
    const count = serverStreamClient<CountRequest, Item>(running.conn, CountMethod, undefined, undefined, {
      after: [(ctx, _header, trailer) => (trailers.push(String(trailer.get("x-retry-after")[0])), ctx)],
    });
    await expect(collect(count(background(), { n: 9 }))).rejects.toMatchObject({ code: Code.ResourceExhausted, message: "quota used up" });
    expect(trailers).toEqual(["5"]);
  });

  it("stops the server's iteration when the client breaks out of its loop", async () => {
    const server = { finished: false, reason: undefined as unknown };
    running = await startServer({
      Count: serverStream(async function* (ctx: Context): AsyncGenerator<Item> {
        try {
          for (let seq = 0; seq < 1_000_000; seq++) {
            if (ctx.signal.aborted) return;
            yield { seq };
          }
        } finally {
          server.finished = true;
          server.reason = ctx.signal.reason;
        }
      }),
    });
    const count = serverStreamClient<CountRequest, Item>(running.conn, CountMethod);
    for await (const item of count(background(), { n: 0 })) if (item.seq === 10) break;
    await until("the server's generator to finish", () => server.finished);
    expect((server.reason as KitError).code).toBe(Code.Canceled);
  });

  it("cancels on the context: the loop throws canceled and the server stops", async () => {
    let serverReason: unknown;
    running = await startServer({
      Count: serverStream(async function* (ctx: Context): AsyncGenerator<Item> {
        yield { seq: 0 };
        await aborted(ctx.signal);
        serverReason = ctx.signal.reason;
      }),
    });
    const [ctx, cancel] = withCancel(background());
    const err = await (async () => {
      for await (const item of serverStreamClient<CountRequest, Item>(running.conn, CountMethod)(ctx, { n: 1 })) if (item.seq === 0) cancel();
    })().catch((e: unknown) => e);
    expect((err as KitError).code).toBe(Code.Canceled);
    await until("the server to see the cancel", () => serverReason !== undefined);
    expect((serverReason as KitError).code).toBe(Code.Canceled);
  });

  it("ends DEADLINE_EXCEEDED when the deadline passes mid-stream", async () => {
    running = await startServer({
      Count: serverStream(async function* (ctx: Context): AsyncGenerator<Item> {
        yield { seq: 0 };
        await aborted(ctx.signal);
      }),
    });
    const [ctx, cancel] = withTimeout(background(), 300);
    const err = await collect(serverStreamClient<CountRequest, Item>(running.conn, CountMethod)(ctx, { n: 1 })).catch((e: unknown) => e);
    cancel();
    expect((err as KitError).code).toBe(Code.DeadlineExceeded);
  });

  it("answers an undecodable request INVALID_ARGUMENT and keeps serving", async () => {
    running = await startServer({
      Count: serverStream(async function* (_ctx: Context, { n }: CountRequest): AsyncGenerator<Item> {
        for (let seq = 0; seq < n; seq++) yield { seq };
      }),
    });
    const raw = running.conn.makeServerStreamRequest("/kittest.Test/Count", (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0xff, 0xff, 0xff]), new grpc.Metadata());
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      raw.on("error", () => undefined);
      raw.on("data", () => undefined);
      raw.on("status", resolve);
    });
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await collect(serverStreamClient<CountRequest, Item>(running.conn, CountMethod)(background(), { n: 2 }))).toHaveLength(2);
  });
});

describe("client streaming", () => {
  const total = clientStream(async (_ctx: Context, items: AsyncIterable<Item>): Promise<TotalReply> => {
    let count = 0;
    let sum = 0;
    for await (const { seq } of items) {
      count++;
      sum += seq;
    }
    return { count, sum };
  });

  it("sends every value and resolves with the server's answer", async () => {
    running = await startServer({ Total: total });
    const call = clientStreamClient<Item, TotalReply>(running.conn, TotalMethod);
    const { items, state } = requests((seq) => ({ seq }), 100);
    expect(await call(background(), items)).toEqual({ count: 100, sum: 4950 });
    expect(state.produced).toBe(100);
  });

  it("stops reading the requests when the server answers with an error early", async () => {
    running = await startServer({
      Total: clientStream(async (_ctx: Context, items: AsyncIterable<Item>): Promise<TotalReply> => {
        for await (const { seq } of items) if (seq === 3) throw new KitError(Code.FailedPrecondition, "3 is not allowed");
        return { count: 0, sum: 0 };
      }),
    });
    const { items, state } = requests((seq) => ({ seq }), 100_000, 1);
    const err = await clientStreamClient<Item, TotalReply>(running.conn, TotalMethod)(background(), items).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.FailedPrecondition, message: "3 is not allowed" });
    await until("the request iterable to be stopped", () => state.returned);
    expect(state.produced).toBeLessThan(1_000);
  });

  it("cancels the call when the requests throw, and the server sees canceled", async () => {
    let serverReason: unknown;
    running = await startServer({
      Total: clientStream(async (ctx: Context, items: AsyncIterable<Item>): Promise<TotalReply> => {
        try {
          let count = 0;
          for await (const item of items) count += item.seq;
          return { count, sum: 0 };
        } finally {
          serverReason = ctx.signal.reason;
        }
      }),
    });
    async function* failing(): AsyncGenerator<Item> {
      yield { seq: 1 };
      await sleep(50);
      throw new KitError(Code.DataLoss, "source broke");
    }
    const err = await clientStreamClient<Item, TotalReply>(running.conn, TotalMethod)(background(), failing()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.DataLoss, message: "source broke" });
    await until("the server to see the cancel", () => serverReason !== undefined);
    expect((serverReason as KitError).code).toBe(Code.Canceled);
  });

  it("makes the server's iteration throw INVALID_ARGUMENT for a message that does not decode", async () => {
    running = await startServer({ Total: total });
    const raw = running.conn.makeClientStreamRequest("/kittest.Test/Total", (b: Buffer) => b, (b: Buffer) => b, new grpc.Metadata(), () => undefined);
    const status = new Promise<grpc.StatusObject>((resolve) => raw.on("status", resolve));
    raw.write(Buffer.from([0x08, 0x01]));
    raw.write(Buffer.from([0xff, 0xff, 0xff]));
    raw.end();
    expect((await status).code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});

describe("bidirectional streaming", () => {
  const shout = bidiStream(async function* (_ctx: Context, lines: AsyncIterable<EchoRequest>): AsyncGenerator<EchoReply> {
    for await (const { text } of lines) yield { text: text.toUpperCase() };
  });

  it("answers each request as it comes, both directions at once", async () => {
    running = await startServer({ Chat: shout });
    const chat = bidiStreamClient<EchoRequest, EchoReply>(running.conn, ChatMethod);
    // The requests wait for each answer: only works if both directions flow at once.
    const answers: string[] = [];
    let answered = 0;
    async function* talk(): AsyncGenerator<EchoRequest> {
      for (const text of ["a", "b", "c"]) {
        const want = answered + 1;
        yield { text };
        await until(`an answer to ${text}`, () => answered >= want);
      }
    }
    for await (const { text } of chat(background(), talk())) {
      answers.push(text);
      answered++;
    }
    expect(answers).toEqual(["A", "B", "C"]);
  });

  it("ends both directions when the client breaks out of its loop", async () => {
    let serverReason: unknown;
    running = await startServer({
      Chat: bidiStream(async function* (ctx: Context, lines: AsyncIterable<EchoRequest>): AsyncGenerator<EchoReply> {
        try {
          for await (const { text } of lines) yield { text };
        } finally {
          serverReason = ctx.signal.reason;
        }
      }),
    });
    const { items, state } = requests((i) => ({ text: String(i) }), 1_000_000, 1);
    let received = 0;
    for await (const { text } of bidiStreamClient<EchoRequest, EchoReply>(running.conn, ChatMethod)(background(), items)) {
      received += text === "" ? 0 : 1;
      if (received === 3) break;
    }
    await until("the requests to be stopped", () => state.returned);
    await until("the server to see the cancel", () => serverReason !== undefined);
    expect((serverReason as KitError).code).toBe(Code.Canceled);
    expect(state.produced).toBeLessThan(1_000);
  });

  it("ends both directions when the server fails: the loop throws its status and the requests stop", async () => {
    running = await startServer({
      Chat: bidiStream(async function* (_ctx: Context, lines: AsyncIterable<EchoRequest>): AsyncGenerator<EchoReply> {
        for await (const { text } of lines) {
          if (text === "2") throw new KitError(Code.Aborted, "conflict at 2");
          yield { text };
        }
      }),
    });
    const { items, state } = requests((i) => ({ text: String(i) }), 1_000_000, 1);
    const seen: string[] = [];
    const err = await (async () => {
      for await (const { text } of bidiStreamClient<EchoRequest, EchoReply>(running.conn, ChatMethod)(background(), items)) seen.push(text);
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.Aborted, message: "conflict at 2" });
    expect(seen).toEqual(["0", "1"]);
    await until("the requests to be stopped", () => state.returned);
  });

  it("ends both directions when the context is canceled", async () => {
    let serverReason: unknown;
    running = await startServer({
      Chat: bidiStream(async function* (ctx: Context, lines: AsyncIterable<EchoRequest>): AsyncGenerator<EchoReply> {
        try {
          for await (const { text } of lines) yield { text };
        } finally {
          serverReason = ctx.signal.reason;
        }
      }),
    });
    const { items, state } = requests((i) => ({ text: String(i) }), 1_000_000, 1);
    const [ctx, cancel] = withCancel(background());
    const err = await (async () => {
      let n = 0;
      for await (const { text } of bidiStreamClient<EchoRequest, EchoReply>(running.conn, ChatMethod)(ctx, items)) {
        n += text === "" ? 0 : 1;
        if (n === 3) cancel();
      }
    })().catch((e: unknown) => e);
    expect((err as KitError).code).toBe(Code.Canceled);
    await until("the requests to be stopped", () => state.returned);
    await until("the server to see the cancel", () => serverReason !== undefined);
    expect((serverReason as KitError).code).toBe(Code.Canceled);
  });

  it("lets the server answer before the client has finished sending", async () => {
    running = await startServer({
      Chat: bidiStream(async function* (): AsyncGenerator<EchoReply> {
        yield { text: "hello first" };
      }),
    });
    const { items, state } = requests((i) => ({ text: String(i) }), 1_000_000, 1);
    const answers = await collect(bidiStreamClient<EchoRequest, EchoReply>(running.conn, ChatMethod)(background(), items));
    expect(answers).toEqual([{ text: "hello first" }]);
    await until("the requests to be stopped", () => state.returned);
  });
});
