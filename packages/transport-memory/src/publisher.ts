import type { Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Message, type PublisherOptions as BasePublisherOptions } from "@kit/transport";
import { messagePublisher, replyDecoder, ReplyCorrelator, replyTarget, type SendMessage } from "@kit/transport/driver";
import type { MemoryBroker } from "./broker.ts";
import { stateOf } from "./internal/state.ts";

/** Options for {@link publisher}: the hooks every Kit publisher takes, and the requester's wait bound. */
export interface MemoryPublisherOptions extends BasePublisherOptions {
  /**
   * How long a request waits for its reply when the caller's context has no deadline, in
   * milliseconds (default 30 000, as every Kit requester); it then fails with
   * `deadline_exceeded`. A deadline on the context bounds the wait instead. Not sent.
   */
  readonly timeout?: number;
}

/**
 * Sends requests to a queue of a {@link MemoryBroker} without waiting for a reply (fire and
 * forget): the endpoint resolves once the broker holds the message.
 *
 * @param broker - the broker
 * @param queue - the queue to publish to
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - `undefined`: no reply is expected
 * @param options - hooks; `timeout` does not apply
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
  options?: MemoryPublisherOptions,
): Endpoint<Req, void>;
/**
 * Calls an endpoint served by {@link subscriber} on a queue of a {@link MemoryBroker}, by
 * request and reply, the in-memory counterpart of the NATS and AMQP publishers. The result is
 * an `Endpoint`, so client middleware wraps it like any other.
 *
 * Each call: `encode` writes the request; the `before` hooks run; the time left before the
 * context's deadline goes in `kit-timeout`; the message is published with a reply address;
 * the call waits for the reply, at most until the context's deadline or, without one, the
 * `timeout` option (`deadline_exceeded`), or until the context is canceled (`canceled`); the `after`
 * hooks see the reply; a reply with `kit-error-code` fails the call with that
 * code and message, any other is read by `decode`; the `finalizer` hooks run last.
 *
 * @param broker - the broker
 * @param queue - the queue the subscriber consumes
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - reads the reply, such as `decodeJSONMessage(schema)`
 * @param options - hooks, and `timeout`: the wait bound without a deadline (default 30 s)
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
  options?: MemoryPublisherOptions,
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the broker in front
export function publisher<Req, Res>(
  broker: MemoryBroker,
  queue: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: MemoryPublisherOptions = {},
): Endpoint<Req, Res | undefined> {
  const state = stateOf(broker);
  const q = state.queue(queue);
  const target = replyTarget("memory", queue, options.timeout);
  const calls = new ReplyCorrelator<Message>();
  const send: SendMessage = async (ctx, message) => {
    if (decode === undefined) {
      q.publish(message.body, message.headers, undefined);
      return undefined;
    }
    const inbox = state.inbox((envelope) => {
      calls.deliver(inbox.address, { body: envelope.body, headers: new Map(envelope.headers), attempt: 1 });
    });
    try {
      return await calls.call(ctx, inbox.address, target, () => {
        q.publish(message.body, message.headers, inbox.address);
        return undefined;
      });
    } finally {
      inbox.dispose();
    }
  };
  return messagePublisher(send, encode, decode === undefined ? undefined : replyDecoder(decode, target), options);
}
