import { untilAborted, type Context } from "@kit/endpoint";
import type { OutgoingMessage } from "@kit/transport";
import type { Producer } from "kafkajs";
import { headersToKafka } from "../headers.ts";
import { fromKafkaError } from "./errors.ts";

/**
 * Sends one record with `acks: -1` and the context's deadline in `kit-timeout`, and stops
 * waiting when the context ends (`canceled`, `deadline_exceeded`). A failure is a `KitError` by
 * the package's table (`errors.ts`): a broker that cannot be reached is `unavailable`.
 */
// eslint-disable-next-line max-params -- the record's parts, shared by the publisher and the requester
export async function produce(ctx: Context, producer: Producer, topic: string, key: string | Buffer | null, message: OutgoingMessage): Promise<void> {
  const value = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength);
  try {
    await untilAborted(ctx.signal, () => producer.send({ topic, acks: -1, messages: [{ key, value, headers: headersToKafka(message.headers) }] }));
  } catch (thrown) {
    throw fromKafkaError(thrown, `produce to topic ${topic}`); // the context's own reason is a KitError, kept as is
  }
}
