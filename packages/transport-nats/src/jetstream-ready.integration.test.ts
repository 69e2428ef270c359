// JetStream against the real server (NATS_URL, default nats://127.0.0.1:4222): a subscriber on a
// consumer it cannot work with says so through `ready` and its error handler, once, instead of
// failing every receive.
import { isKitError, type KitError } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNats, sleep, unique } from "../test/support.ts";
import { jetstreamSubscriber } from "./jetstream-subscriber.ts";

describe("JetStream subscriber: ready", () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let stream: string;

  beforeEach(async () => {
    nc = await connectNats();
    jsm = await jetstreamManager(nc);
    stream = unique("KIT_READY");
    await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.jobs`] });
  });

  afterEach(async () => {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  it("rejects with failed_precondition for a consumer without explicit acks, and tells the error handler once", async () => {
    await jsm.consumers.add(stream, { durable_name: "none", ack_policy: AckPolicy.None });
    const consumer = await jetstream(nc).consumers.get(stream, "none");
    const reported: KitError[] = [];
    const sub = jetstreamSubscriber(nc, consumer, () => Promise.resolve(), decodeJSONMessage(), encodeJSONMessage, {
      errorHandler: { handle: (_ctx, err) => void reported.push(err) },
    });
    try {
      const outcome = await sub.ready.then(
        () => "ready",
        (err: unknown) => (isKitError(err) ? `${err.code}: ${err.message}` : String(err)),
      );
      expect(outcome).toBe('failed_precondition: consumer none must have ack_policy "explicit", has "none"');
      await sleep(500); // no receive retried behind it
      expect(reported.map((err) => err.code)).toEqual(["failed_precondition"]);
    } finally {
      await sub.close();
    }
  });

  it("resolves for a consumer with explicit acks", async () => {
    await jsm.consumers.add(stream, { durable_name: "workers", ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(nc).consumers.get(stream, "workers");
    const sub = jetstreamSubscriber(nc, consumer, () => Promise.resolve(), decodeJSONMessage(), encodeJSONMessage);
    try {
      await expect(sub.ready).resolves.toBeUndefined();
    } finally {
      await sub.close();
    }
  });
});
