// The AMQP request/reply publisher's wait, on @kit/transport's ReplyCorrelator, against the real
// broker (AMQP_URL): a call without a deadline stops at `timeout` (it used to wait forever), a
// reply that cannot be read is the server's fault (`internal`), a canceled context ends the wait.
import { background, Code, isKitError, withCancel, type KitError } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import type { Channel, ChannelModel } from "amqplib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publisher } from "./publisher.ts";
import { open, uniqueQueue, watch } from "../test/support.ts";

async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("AMQP request/reply publisher", () => {
  let connection: ChannelModel;
  let server: Channel;
  let queue: string;
  const seen: { timeout: unknown }[] = [];

  beforeEach(async () => {
    connection = await open();
    server = watch(await connection.createChannel());
    queue = uniqueQueue("requester");
    await server.assertQueue(queue, { exclusive: true });
    seen.length = 0;
    // A responder that is not Kit: answers "garbage" requests with a body that is not JSON, and ignores the rest.
    await server.consume(
      queue,
      (msg) => {
        if (msg === null) return;
        seen.push({ timeout: (msg.properties.headers as Record<string, unknown> | undefined)?.["kit-timeout"] });
        if (msg.content.toString() === '"garbage"') {
          server.sendToQueue(String(msg.properties.replyTo), Buffer.from("<html>"), { correlationId: String(msg.properties.correlationId) });
        }
      },
      { noAck: true },
    );
  });

  afterEach(async () => {
    await connection.close();
  });

  it("stops a call whose context has no deadline at its timeout, and sends no kit-timeout", async () => {
    const call = publisher(watch(await connection.createChannel()), queue, encodeJSONMessage, decodeJSONMessage(), { timeout: 300 });
    const started = Date.now();
    const err = await failure(call(background(), "silence"));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(err.message).toBe(`AMQP ${queue}: no reply within 300 ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(seen).toEqual([{ timeout: undefined }]);
  });

  it("reports a reply that is not JSON as internal (the server's fault), not invalid_argument", async () => {
    const call = publisher(watch(await connection.createChannel()), queue, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const err = await failure(call(background(), "garbage"));
    expect(err.code).toBe(Code.Internal);
    expect(err.message).toMatch(new RegExp(`^AMQP ${queue.replaceAll(".", "\\.")}: malformed reply: malformed JSON`));
  });

  it("ends the wait with canceled when the caller cancels", async () => {
    const call = publisher(watch(await connection.createChannel()), queue, encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withCancel(background());
    const waiting = failure(call(ctx, "silence"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    cancel();
    expect((await waiting).code).toBe(Code.Canceled);
  });

  it("refuses a timeout that is not milliseconds above 0", async () => {
    const channel = watch(await connection.createChannel());
    expect(() => publisher(channel, queue, encodeJSONMessage, decodeJSONMessage(), { timeout: 0 })).toThrow(RangeError);
  });
});
