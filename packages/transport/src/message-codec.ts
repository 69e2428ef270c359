import type { Context } from "@kit/endpoint";
import { jsonCodec, jsonText } from "./codec.ts";
import type { DecodeMessage, Message, OutgoingMessage } from "./message.ts";
import { writeTextBody } from "./outgoing-message.ts";
import { validate, type Schema } from "./schema.ts";

/**
 * A message decoder that reads the body as JSON, checked by an optional {@link Schema}
 * (zod, valibot, arktype…) that also types it. Malformed JSON or a value the schema refuses
 * throws `invalid_argument`, so a subscriber dead-letters the message at once. Without a
 * schema the value is not checked: `T` is what you promise it is.
 *
 * @param schema - checks the decoded value and types it
 *
 * @example
 * ```ts
 * const Order = z.object({ id: z.string(), qty: z.number() });
 * subscriber(broker, "orders", placeOrder, decodeJSONMessage(Order), encodeJSONMessage);
 * ```
 */
export function decodeJSONMessage<T = unknown>(schema?: Schema<T>): DecodeMessage<T> {
  return (_ctx: Context, message: Message): T | Promise<T> => {
    const value = jsonCodec.decode(message.body);
    return schema === undefined ? (value as T) : validate(schema, value);
  };
}

/**
 * The JSON message encoder: writes `value` as the body (`undefined` as `null`) and sets
 * `content-type: application/json`. A value JSON cannot hold (a `bigint`) throws `internal`.
 * `@kit/transport-nats` leaves this header off the wire: on NATS, a message without a
 * content-type is JSON, and reads back as `application/json`.
 *
 * @param _ctx - the call's context
 * @param value - the value to write
 * @param message - the message being written
 *
 * @example
 * ```ts
 * const placeOrder = publisher(broker, "orders", encodeJSONMessage, decodeJSONMessage<Receipt>());
 * ```
 */
export function encodeJSONMessage(_ctx: Context, value: unknown, message: OutgoingMessage): void {
  writeTextBody(message, jsonText(value)); // the same bytes as jsonCodec.encode; a driver that sends strings takes the text
  message.headers.set("content-type", jsonCodec.contentType);
}
