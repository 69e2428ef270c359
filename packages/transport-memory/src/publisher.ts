import { untilAborted, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type PublisherOptions } from "@kit/transport";
import { messagePublisher, type SendMessage } from "@kit/transport/driver";
import type { MemoryBroker } from "./broker.ts";
import { stateOf } from "./internal/state.ts";

/**
 * Sends requests to a queue of a {@link MemoryBroker} without waiting for a reply (fire and
 * forget): the endpoint resolves once the broker holds the message.
 *
 * @param broker - the broker
 * @param queue - the queue to publish to
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - `undefined`: no reply is expected
 * @param options - hooks
 *
 * @example
 * ```ts
 * const placeOrder = publisher(broker, "orders", encodeJSONMessage, undefined);
 * await placeOrder(ctx, { id: "o-1", qty: 2 });
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the broker in front
export function publisher<Req>(
  broker: MemoryBroker,
  queue: string,
  encode: EncodeMessage<Req>,
  decode: undefined,
  options?: PublisherOptions,
): Endpoint<Req, void>;
/**
 * Calls an endpoint served by {@link subscriber} on a queue of a {@link MemoryBroker}, by
 * request and reply, the in-memory counterpart of the NATS and AMQP publishers. The result is
 * an `Endpoint`, so client middleware wraps it like any other.
 *
 * Each call: `encode` writes the request; the `before` hooks run; the time left before the
 * context's deadline goes in `kit-timeout`; the message is published with a reply address;
 * the call waits for the reply or the context (`canceled`, `deadline_exceeded`); the `after`
 * hooks see the reply; a reply with `kit-error-code` fails the call with that
 * code and message, any other is read by `decode`; the `finalizer` hooks run last.
 *
 * @param broker - the broker
 * @param queue - the queue the subscriber consumes
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - reads the reply, such as `decodeJSONMessage(schema)`
 * @param options - hooks
 *
 * @example
 * ```ts
 * const sum = publisher(broker, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>());
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try { console.log(await sum(ctx, { a: 1, b: 2 })); } finally { cancel(); }
 * ```
 */
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  broker: MemoryBroker,
  queue: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options?: PublisherOptions,
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the broker in front
export function publisher<Req, Res>(
  broker: MemoryBroker,
  queue: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: PublisherOptions = {},
): Endpoint<Req, Res | undefined> {
  const state = stateOf(broker);
  const q = state.queue(queue);
  const send: SendMessage = async (ctx, message) => {
    if (decode === undefined) {
      q.publish(message.body, message.headers, undefined);
      return undefined;
    }
    const inbox = state.inbox();
    try {
      q.publish(message.body, message.headers, inbox.address);
      const envelope = await untilAborted(ctx.signal, () => inbox.reply);
      return { body: envelope.body, headers: new Map(envelope.headers), attempt: 1 };
    } finally {
      inbox.dispose();
    }
  };
  return messagePublisher(send, encode, decode, options);
}
