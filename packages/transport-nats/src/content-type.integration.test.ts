// The default content-type on core NATS against the real server (NATS_URL, default
// nats://127.0.0.1:4222): JSON goes out without a header block (a plain PUB, as nats.js, Go kit
// and Moleculer send it) and is read back as `application/json`; any other content-type is sent
// and read as it is; the other headers travel as before.
import { background, withTimeout, type Context, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage, type DecodeMessage, type EncodeMessage } from "@kit/transport";
import type { Msg, MsgHdrs, NatsConnection } from "@nats-io/nats-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNats, unique } from "../test/support.ts";
import { publisher } from "./publisher.ts";
import { subscriber } from "./subscriber.ts";

/** What a message carried on the wire: its NATS headers (none: a plain message) as name/values pairs. */
function wireHeaders(msg: Msg): [string, string[]][] | undefined {
  const hdrs: MsgHdrs | undefined = msg.headers;
  return hdrs === undefined ? undefined : [...hdrs];
}

const text = new TextDecoder();

/** A plain text body with its content-type. */
const encodeText: EncodeMessage<string> = (_ctx, value, message) => {
  message.body = Buffer.from(value);
  message.headers.set("content-type", "text/plain; charset=utf-8");
};

/** Reads the body as text when the content-type says so, as JSON otherwise; records the content-type it saw. */
function decodeByContentType(seen: unknown[]): DecodeMessage<unknown> {
  const json = decodeJSONMessage();
  return (ctx, message) => {
    const type = message.headers.get("content-type");
    seen.push(type);
    return type?.startsWith("text/plain") === true ? text.decode(message.body) : json(ctx, message);
  };
}

function timed(ms: number): Context {
  const [ctx] = withTimeout(background(), ms);
  return ctx;
}

describe("the content-type on core NATS", () => {
  let nc: NatsConnection;
  let subject: string;
  /** Every message on the subject and on the replies, as a raw subscriber sees them. */
  let tapped: Msg[];
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    nc = await connectNats();
    subject = unique("kit.ct");
    tapped = [];
    const tap = nc.subscribe(subject, {
      callback: (_err, msg) => {
        tapped.push(msg);
      },
    });
    cleanup.push(() => {
      tap.unsubscribe();
      return Promise.resolve();
    });
    await nc.flush();
  });

  /** The first message the raw subscriber saw on the subject: the request as it went on the wire. */
  async function firstTapped(): Promise<Msg> {
    await until("the tapped request", () => tapped.length > 0, { timeout: 15_000 });
    const [first] = tapped;
    if (first === undefined) throw new Error("no tapped request");
    return first;
  }

  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
    await nc.close();
  });

  it("sends a JSON request and its JSON reply without headers, and both ends read them as application/json", async () => {
    const seen: unknown[] = [];
    const echo: Endpoint<unknown, unknown> = (_ctx, value) => Promise.resolve({ got: value });
    const sub = subscriber(nc, subject, echo, decodeByContentType(seen), encodeJSONMessage);
    cleanup.push(() => sub.close());
    const replyTypes: unknown[] = [];
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage(), {
      after: [
        (ctx, reply) => {
          replyTypes.push(reply.headers.get("content-type"));
          return ctx;
        },
      ],
    });
    await expect(client(background(), { a: 1 })).resolves.toEqual({ got: { a: 1 } });
    expect(seen).toEqual(["application/json"]);
    expect(replyTypes).toEqual(["application/json"]);
    expect(wireHeaders(await firstTapped())).toBeUndefined();
    const reply = await nc.request(subject, JSON.stringify({ b: 2 }), { timeout: 5_000 }); // the raw view of Kit's reply
    expect(reply.headers).toBeUndefined();
    expect(reply.json()).toEqual({ got: { b: 2 } });
  });

  it("sends the other headers of a JSON message (kit-timeout, a hook's) without content-type", async () => {
    const sub = subscriber(nc, subject, (_ctx, value: unknown) => Promise.resolve(value), decodeJSONMessage(), encodeJSONMessage);
    cleanup.push(() => sub.close());
    const client = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage(), {
      before: [
        (ctx, message) => {
          message.headers.set("x-request-id", "r-1");
          return ctx;
        },
      ],
    });
    await expect(client(timed(5_000), 7)).resolves.toBe(7);
    const headers = new Map(wireHeaders(await firstTapped()));
    expect(headers.get("x-request-id")).toEqual(["r-1"]);
    expect(Number(headers.get("kit-timeout")?.[0])).toBeGreaterThan(4_000);
    expect(headers.has("content-type")).toBe(false);
  });

  it("sends a content-type other than JSON, and the other side reads it", async () => {
    const seen: unknown[] = [];
    const upper: Endpoint<unknown, string> = (_ctx, value) => Promise.resolve(String(value).toUpperCase());
    const sub = subscriber(nc, subject, upper, decodeByContentType(seen), encodeText);
    cleanup.push(() => sub.close());
    const replyTypes: unknown[] = [];
    const client = publisher(nc, subject, encodeText, decodeByContentType(replyTypes));
    await expect(client(background(), "hello")).resolves.toBe("HELLO");
    expect(seen).toEqual(["text/plain; charset=utf-8"]);
    expect(replyTypes).toEqual(["text/plain; charset=utf-8"]);
    expect(wireHeaders(await firstTapped())).toEqual([["content-type", ["text/plain; charset=utf-8"]]]);
  });

  it("reads a raw client's request without headers as JSON and answers it", async () => {
    const seen: unknown[] = [];
    const sub = subscriber(nc, subject, (_ctx, value: unknown) => Promise.resolve(value), decodeByContentType(seen), encodeJSONMessage);
    cleanup.push(() => sub.close());
    const reply = await nc.request(subject, JSON.stringify({ n: 1 }), { timeout: 5_000 });
    expect(reply.json()).toEqual({ n: 1 });
    expect(seen).toEqual(["application/json"]);
  });
});
