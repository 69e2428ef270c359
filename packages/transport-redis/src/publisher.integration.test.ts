// The publisher and the entry format against the real Redis on 127.0.0.1:6379 (REDIS_URL
// overrides): trimming, bytes kept as they are, refused headers, a closed client, deadlines.
import { background, Code, withTimeout, type Context } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type Message, type MessageOutcome, type OutgoingMessage } from "@kit/transport";
import { RESP_TYPES } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, entries, Keys } from "../test/redis.ts";
import { publisher } from "./publisher.ts";
import { subscriber } from "./subscriber.ts";

let redis: Awaited<ReturnType<typeof connect>>;
const keys = new Keys();
const quiet = { handle: (): void => undefined };

beforeAll(async () => {
  redis = await connect();
});

afterAll(async () => {
  await keys.deleteAll(redis);
  redis.destroy();
});

const rawBytes = (_ctx: Context, value: Uint8Array, message: OutgoingMessage): void => {
  message.body = value;
};

describe("publisher", () => {
  it("writes the body as the body field and each header as a field; reads back the same bytes", async () => {
    const stream = keys.name("bytes");
    const bytes = Uint8Array.from([0, 255, 254, 10, 13, 0]);
    const send = publisher(redis, stream, rawBytes, undefined, { before: [(ctx, m) => (m.headers.set("x-trace", "t1"), ctx)] });
    await send(background(), bytes);
    const [fields] = await entries(redis, stream);
    expect([...(fields?.keys() ?? [])]).toEqual(["body", "x-trace"]);
    const got: Message[] = [];
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "0"]);
    const sub = subscriber(redis, stream, (_ctx, body: Uint8Array) => (got.push({ body, headers: new Map(), attempt: 1 }), Promise.resolve(undefined)), (_ctx, m) => m.body, encodeJSONMessage, {
      group: "g",
      errorHandler: quiet,
    });
    await sub.ready;
    await until("the entry", () => got.length === 1);
    await sub.close();
    expect([...(got[0]?.body ?? [])]).toEqual([...bytes]);
  });

  it("writes a JSON body as its UTF-8 bytes, non-ASCII text included", async () => {
    const stream = keys.name("text");
    const value = { word: "héllo €", crab: "🦀", escaped: "\u0000\ud800" };
    await publisher(redis, stream, encodeJSONMessage, undefined)(background(), value);
    const [raw] = await redis.sendCommand<[Buffer, Buffer[]][]>(["XRANGE", stream, "-", "+"], { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } });
    expect(raw?.[1].map((field) => [...field])).toEqual([[...Buffer.from("body")], [...Buffer.from(JSON.stringify(value))], [...Buffer.from("content-type")], [...Buffer.from("application/json")]]);
  });

  it("trims the stream to about maxLen entries", async () => {
    const stream = keys.name("trim");
    const send = publisher(redis, stream, encodeJSONMessage, undefined, { maxLen: 100 });
    for (let i = 0; i < 2_000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => send(background(), { n: i + j })));
    const length = await redis.xLen(stream);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(1_000); // MAXLEN ~ trims whole nodes (100 entries each by default)
    expect(() => publisher(redis, stream, encodeJSONMessage, undefined, { maxLen: 0 })).toThrow(RangeError);
  });

  it("refuses a header named body with invalid_argument, and sends nothing", async () => {
    const stream = keys.name("bodyheader");
    const send = publisher(redis, stream, encodeJSONMessage, undefined, { before: [(ctx, m) => (m.headers.set("body", "x"), ctx)] });
    await expect(send(background(), {})).rejects.toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining("body") as unknown });
    expect(await redis.exists(stream)).toBe(0);
  });

  it("resolves with undefined once Redis has the entry, and fails a Redis error reply with the table's code, naming the stream", async () => {
    const stream = keys.name("wrongtype");
    const send = publisher(redis, stream, encodeJSONMessage, undefined);
    await expect(send(background(), { n: 1 })).resolves.toBeUndefined();
    await redis.del(stream);
    await redis.set(stream, "a string, not a stream");
    const err = { code: Code.FailedPrecondition, message: expect.stringMatching(new RegExp(`^Redis XADD ${stream}: WRONGTYPE`)) as unknown };
    await expect(send(background(), { n: 2 })).rejects.toMatchObject(err);
    const hooked = publisher(redis, stream, encodeJSONMessage, undefined, { before: [(ctx) => ctx] });
    await expect(hooked(background(), { n: 3 })).rejects.toMatchObject(err);
  });

  it("fails at once with unavailable on a client that is not connected", async () => {
    const closed = await connect();
    closed.destroy();
    const send = publisher(closed, keys.name("closed"), encodeJSONMessage, undefined);
    await expect(send(background(), {})).rejects.toMatchObject({ code: Code.Unavailable });
  });

  it("sends the deadline in kit-timeout; an entry whose deadline passed in the stream is dead-lettered unhandled", async () => {
    const stream = keys.name("deadline");
    await redis.sendCommand(["XGROUP", "CREATE", stream, "g", "$", "MKSTREAM"]);
    const send = publisher(redis, stream, encodeJSONMessage, undefined);
    const [ctx, cancel] = withTimeout(background(), 200);
    await send(ctx, { n: 1 });
    cancel();
    expect(Number((await entries(redis, stream))[0]?.get("kit-timeout"))).toBeGreaterThan(100);
    await new Promise((resolve) => setTimeout(resolve, 400)); // the budget is spent in the stream
    let calls = 0;
    const outcomes: MessageOutcome[] = [];
    const sub = subscriber(redis, stream, () => (calls++, Promise.resolve(undefined)), decodeJSONMessage(), encodeJSONMessage, {
      group: "g",
      fromBeginning: true,
      errorHandler: quiet,
      finalizer: [(_ctx, o) => void outcomes.push(o)],
    });
    await redis.sendCommand(["XGROUP", "SETID", stream, "g", "0"]);
    await sub.ready;
    await until("the entry settled", () => outcomes.length === 1);
    await sub.close();
    expect({ calls, decision: outcomes[0]?.decision, code: outcomes[0]?.error?.code }).toEqual({ calls: 0, decision: "dead-lettered", code: Code.DeadlineExceeded });
  });
});
