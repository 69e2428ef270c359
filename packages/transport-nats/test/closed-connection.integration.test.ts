// A connection that closes for good (the client used up maxReconnectAttempts, or it was closed):
// the subscriber says so once, through its error handler, instead of failing and reporting every
// receive forever, and a subscriber made on a closed connection fails its `ready` clearly.
import { Code, type KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { jetstreamSubscriber } from "../src/jetstream-subscriber.ts";
import { subscriber } from "../src/subscriber.ts";
import { connectNats, sleep, unique } from "./support.ts";

const noop = (): Promise<void> => Promise.resolve();

describe("a connection closed for good", () => {
  it("is reported once by a core subscriber, and fails the ready of one made afterwards", { timeout: 20_000 }, async () => {
    const nc = await connectNats();
    const reported: KitError[] = [];
    const errorHandler = { handle: (_ctx: unknown, err: KitError) => void reported.push(err) };
    const sub = subscriber(nc, unique("kit.closed"), noop, decodeJSONMessage(), encodeJSONMessage, { errorHandler });
    await sub.ready;
    await nc.close();
    await until("the closed connection reported", () => reported.length > 0, { timeout: 15_000 });
    await sleep(1_500);
    expect(reported.map((err) => err.code)).toEqual([Code.Unavailable]);
    expect(reported[0]?.message).toMatch(/closed for good.*maxReconnectAttempts: -1/);

    const late = subscriber(nc, unique("kit.closed"), noop, decodeJSONMessage(), encodeJSONMessage, { errorHandler: { handle: () => undefined } });
    await expect(late.ready).rejects.toMatchObject({ code: Code.Unavailable });
    await late.close();
    await sub.close();
  });

  it("is reported once by a JetStream subscriber, which then stops pulling instead of failing every pull", { timeout: 30_000 }, async () => {
    const nc = await connectNats();
    const stream = unique("KIT_CLOSED");
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [unique("kit.closed.js")] });
    await jsm.consumers.add(stream, { durable_name: "c", ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(nc).consumers.get(stream, "c");
    const reported: KitError[] = [];
    const sub = jetstreamSubscriber(nc, consumer, noop, decodeJSONMessage(), encodeJSONMessage, {
      expires: 1_000,
      errorHandler: { handle: (_ctx, err) => void reported.push(err) },
    });
    await sub.ready;
    await sleep(200); // a pull is under way
    await nc.close();
    await sleep(3_000); // several pulls' worth of backoff
    try {
      expect(reported.map((err) => err.code)).toEqual([Code.Unavailable]);
      expect(reported[0]?.message).toMatch(/closed for good/);
    } finally {
      await sub.close();
      const admin = await connectNats();
      await (await jetstreamManager(admin)).streams.delete(stream);
      await admin.close();
    }
  });
});
