import { Code, isKitError, toKitError, untilAborted, type Context, type KitError } from "@kit/endpoint";
import type { OutgoingMessage } from "@kit/transport";
import type { Producer } from "kafkajs";
import { headersToKafka } from "../headers.ts";

/** A kafkajs failure as a `KitError`: the broker or the network failed, so `unavailable`. */
export function kafkaError(thrown: unknown): KitError {
  return isKitError(thrown) ? thrown : toKitError(thrown, Code.Unavailable);
}

/**
 * Sends one record with `acks: -1` and the context's deadline in `kit-timeout`, and stops
 * waiting when the context ends (`canceled`, `deadline_exceeded`).
 */
// eslint-disable-next-line max-params -- the record's parts, shared by the publisher and the requester
export async function produce(ctx: Context, producer: Producer, topic: string, key: string | Buffer | null, message: OutgoingMessage): Promise<void> {
  const value = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength);
  try {
    await untilAborted(ctx.signal, () => producer.send({ topic, acks: -1, messages: [{ key, value, headers: headersToKafka(message.headers) }] }));
  } catch (thrown) {
    throw kafkaError(thrown);
  }
}
