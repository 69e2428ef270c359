// What every NATS requester (core `publisher`, `jetstreamPublisher`) shares through
// `@kit/transport`'s ReplyCorrelator, against the real server (NATS_URL): a reply that cannot be
// read is the server's fault (`internal`), a call without a deadline stops at `timeout`, and a
// canceled context ends the wait.
import { background, Code, isKitError, withCancel, type KitError } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNats, sleep, unique } from "../test/support.ts";
import { jetstreamPublisher } from "./jetstream-publisher.ts";
import { replyToHeader } from "./internal/jetstream-driver.ts";
import { publisher } from "./publisher.ts";

async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

const text = new TextEncoder();

describe("NATS requesters", () => {
  let nc: NatsConnection;
  let subject: string;

  beforeEach(async () => {
    nc = await connectNats();
    subject = unique("kit.requester");
  });

  afterEach(async () => {
    await nc.close();
  });

  it("reports a reply that is not JSON as internal (the server's fault), not invalid_argument", async () => {
    nc.subscribe(subject, { callback: (_err, msg) => void msg.respond(text.encode("{not json")) });
    await nc.flush();
    const call = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const err = await failure(call(background(), { a: 1 }));
    expect(err.code).toBe(Code.Internal);
    expect(err.message).toMatch(new RegExp(`^NATS ${subject}: malformed reply: malformed JSON`));
  });

  it("stops a call whose context has no deadline at the publisher's timeout, and sends no kit-timeout", async () => {
    const seen: (string | undefined)[] = [];
    nc.subscribe(subject, { callback: (_err, msg) => void seen.push(msg.headers?.get("kit-timeout")) }); // never answers
    await nc.flush();
    const call = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage(), { timeout: 300 });
    const started = Date.now();
    const err = await failure(call(background(), {}));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(err.message).toBe(`NATS ${subject}: no reply within 300 ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(seen).toEqual([undefined]); // no header block at all: the JSON content-type is not sent either
  });

  it("ends the wait with canceled when the caller cancels", async () => {
    nc.subscribe(subject, { callback: () => undefined });
    await nc.flush();
    const call = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withCancel(background());
    const waiting = failure(call(ctx, {}));
    await sleep(50);
    cancel();
    expect((await waiting).code).toBe(Code.Canceled);
  });

  it("jetstreamPublisher: a malformed reply is internal, and no reply stops the call at its timeout", async () => {
    const jsm = await jetstreamManager(nc);
    const stream = unique("KIT_REQ");
    await jsm.streams.add({ name: stream, subjects: [subject] });
    try {
      // A responder that is not Kit: it reads the stored request's reply subject and answers garbage.
      const sub = nc.subscribe(subject, {
        callback: (_err, msg) => {
          const to = msg.headers?.get(replyToHeader);
          if (to !== undefined && to !== "" && msg.headers?.get("kind") === "garbage") nc.publish(to, text.encode("<html>"));
        },
      });
      await nc.flush();
      const garbage = jetstreamPublisher(nc, subject, encodeJSONMessage, decodeJSONMessage(), {
        before: [
          (ctx, message) => {
            message.headers.set("kind", "garbage");
            return ctx;
          },
        ],
      });
      const err = await failure(garbage(background(), {}));
      expect(err.code).toBe(Code.Internal);
      const silent = jetstreamPublisher(nc, subject, encodeJSONMessage, decodeJSONMessage(), { timeout: 300 });
      const started = Date.now();
      const late = await failure(silent(background(), {}));
      expect(late.code).toBe(Code.DeadlineExceeded);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      sub.unsubscribe();
    } finally {
      await jsm.streams.delete(stream);
    }
  });
});
