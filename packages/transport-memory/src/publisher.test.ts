import {
  background,
  Code,
  contextKey,
  isKitError,
  KitError,
  withCancel,
  withTimeout,
  withValue,
  type Context,
  type Endpoint,
} from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage, type Message } from "@kit/transport";
import { describe, expect, it } from "vitest";
import { MemoryBroker } from "./broker.ts";
import { publisher } from "./publisher.ts";
import { subscriber } from "./subscriber.ts";

interface SumRequest {
  a: number;
  b: number;
}
const sum: Endpoint<SumRequest, { v: number }> = async (_ctx, { a, b }) => {
  await Promise.resolve();
  if (a === 0 && b === 0) throw new KitError(Code.InvalidArgument, "can't sum two zeroes");
  return { v: a + b };
};

async function rejection(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

describe("publisher", () => {
  it("returns the subscriber's response", async () => {
    const broker = new MemoryBroker();
    const sub = subscriber(broker, "sum", sum, decodeJSONMessage<SumRequest>(), encodeJSONMessage);
    const call = publisher(broker, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    await expect(call(background(), { a: 1, b: 2 })).resolves.toEqual({ v: 3 });
    await broker.idle("sum");
    expect(broker.stats("sum")).toMatchObject({ acked: 1 });
    await sub.close();
  });

  it("fails with the subscriber's error code and message", async () => {
    const broker = new MemoryBroker();
    const sub = subscriber(broker, "sum", sum, decodeJSONMessage<SumRequest>(), encodeJSONMessage);
    const call = publisher(broker, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const err = await rejection(call(background(), { a: 0, b: 0 }));
    expect([err.code, err.message]).toEqual(["invalid_argument", "can't sum two zeroes"]);
    await broker.idle("sum");
    expect(broker.deadLetters("sum")).toEqual([]); // the answer settled it: the caller has the error
    expect(broker.stats("sum")).toMatchObject({ acked: 1, deadLettered: 0 });
    await sub.close();
  });

  it("sends the time left before the context's deadline, which becomes the subscriber's deadline", async () => {
    const broker = new MemoryBroker();
    let left: number | undefined;
    const seeDeadline = (ctx: Context): Promise<null> => {
      left = ctx.deadline === undefined ? undefined : ctx.deadline - Date.now();
      return Promise.resolve(null);
    };
    const sub = subscriber(broker, "q", seeDeadline, decodeJSONMessage(), encodeJSONMessage);
    const call = publisher(broker, "q", encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withTimeout(background(), 1_000);
    try {
      await call(ctx, {});
    } finally {
      cancel();
    }
    expect(left).toBeGreaterThan(0); // the caller's deadline crossed, and was not extended
    expect(left).toBeLessThanOrEqual(1_000);
    await sub.close();
  });

  it("fails with deadline_exceeded when no reply comes in time", async () => {
    const broker = new MemoryBroker();
    const call = publisher(broker, "nobody-listens", encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withTimeout(background(), 20);
    try {
      expect((await rejection(call(ctx, {}))).code).toBe("deadline_exceeded");
    } finally {
      cancel();
    }
  });

  it("fails with canceled when the context is canceled", async () => {
    const broker = new MemoryBroker();
    const call = publisher(broker, "nobody-listens", encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withCancel(background());
    const pending = rejection(call(ctx, {}));
    cancel();
    expect((await pending).code).toBe("canceled");
  });

  it("without a decoder, resolves once the broker holds the message (fire and forget)", async () => {
    const broker = new MemoryBroker();
    const send = publisher<{ id: string }>(broker, "orders", encodeJSONMessage, undefined);
    await expect(send(background(), { id: "o-1" })).resolves.toBeUndefined();
    expect(broker.stats("orders")).toMatchObject({ published: 1, pending: 1 });
  });

  it("runs before, after and finalizer hooks", async () => {
    const broker = new MemoryBroker();
    const seen: string[] = [];
    const traceKey = contextKey<string>("trace");
    const echoHeader: Endpoint<unknown, string> = (ctx) => Promise.resolve(String(ctx.value(traceKey)));
    const sub = subscriber(broker, "q", echoHeader, decodeJSONMessage(), encodeJSONMessage, {
      before: [(ctx, message: Message) => withValue(ctx, traceKey, message.headers.get("x-trace") ?? "")],
      after: [
        (ctx, reply) => {
          reply.headers.set("x-served-by", "memory");
          return ctx;
        },
      ],
    });
    const call = publisher(broker, "q", encodeJSONMessage, decodeJSONMessage<string>(), {
      before: [
        (ctx, message) => {
          message.headers.set("x-trace", "t-1");
          return ctx;
        },
      ],
      after: [
        (ctx, reply) => {
          seen.push(`after ${reply.headers.get("x-served-by") ?? ""}`);
          return ctx;
        },
      ],
      finalizer: [(_ctx, { error }) => void seen.push(`finalizer ${error?.code ?? "ok"}`)],
    });
    await expect(call(background(), {})).resolves.toBe("t-1");
    expect(seen).toEqual(["after memory", "finalizer ok"]);
    await sub.close();
  });
});
