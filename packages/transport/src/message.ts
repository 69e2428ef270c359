import type { Context } from "@kit/endpoint";
import type { HeaderCarrier } from "./carrier.ts";

/**
 * A message as a broker delivered it to a subscriber, in the shape every Kit message
 * transport (NATS, JetStream, AMQP, Kafka, SQS, in-memory) hands to the subscriber runtime.
 * A broker package's driver may extend it with its own fields (the raw broker message).
 */
export interface Message {
  /** The payload. */
  readonly body: Uint8Array;
  /** The message's headers (NATS headers, AMQP properties, Kafka headers…), lower-case names. */
  readonly headers: HeaderCarrier;
  /**
   * Which delivery this is, counting from 1, as the broker knows it: JetStream's delivery
   * count, SQS's receive count, an AMQP attempt header; always 1 where the broker cannot tell.
   */
  readonly attempt: number;
  /**
   * Where the sender waits for a reply (a NATS reply subject, an AMQP `reply_to`), or
   * `undefined` for a message that expects none.
   */
  readonly reply?: string | undefined;
}

/**
 * A message being written: a reply a subscriber sends, or a request a publisher sends.
 * Encoders set its body and headers; the broker package copies both onto the wire.
 */
export interface OutgoingMessage {
  /** The payload; empty until an encoder sets it. */
  body: Uint8Array;
  /** The headers to send, lower-case names. */
  readonly headers: Map<string, string>;
}

/**
 * Turns a received message into the endpoint's request, Go kit's `DecodeRequestFunc` for
 * message transports. A subscriber never retries a message that fails to decode: it goes to
 * the dead letter at once (a thrown non-Kit error counts as `invalid_argument`). A publisher
 * uses the same shape to read a reply.
 */
export type DecodeMessage<T> = (ctx: Context, message: Message) => T | Promise<T>;

/**
 * Writes a value into an outgoing message, Go kit's `EncodeResponseFunc` (a subscriber's
 * reply) or `EncodeRequestFunc` (a publisher's request) for message transports.
 */
export type EncodeMessage<T> = (ctx: Context, value: T, message: OutgoingMessage) => void | Promise<void>;
