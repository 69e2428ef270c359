import { untilAborted, type Context, type Endpoint } from "@kit/endpoint";
import type { DecodeMessage, EncodeMessage, Message, OutgoingMessage } from "@kit/transport";
import type { ReplyTarget } from "@kit/transport/driver";
import type { NatsConnection } from "@nats-io/nats-core";
import type { NatsPublisherOptions } from "./publisher.ts";
import { call } from "./internal/call.ts";
import { toNatsHeaders } from "./internal/headers.ts";
import { replyToHeader } from "./internal/jetstream-driver.ts";
import { repliesOf } from "./internal/replies.ts";
import { unreachable, untilDisconnected } from "./internal/reachable.ts";
import { publishToStream } from "./internal/stream-publish.ts";

/**
 * Options for {@link jetstreamPublisher}: the same as a core NATS publisher's (`NatsPublisherOptions`
 * from `@kit/transport-nats`), the hooks and `timeout`, the wait for a call whose context has no
 * deadline (its PubAck, and its reply).
 */
export type JetStreamPublisherOptions = NatsPublisherOptions;

/**
 * Publishes requests to a subject a JetStream stream captures, and resolves once the stream
 * has stored each (its PubAck), bounded by the context's deadline: the durable counterpart of
 * `publisher` (`@kit/transport-nats`). A subject no stream captures is `unavailable`; a refusal by the stream
 * (a failed expectation, a full stream) is `failed_precondition` or `unavailable`. Set a
 * `Nats-Msg-Id` header in a `before` hook to have the stream drop duplicates of a retried publish.
 *
 * @param nc - the connection
 * @param subject - the subject to publish to
 * @param encode - writes the request, such as `encodeJSONMessage`
 * @param decode - `undefined`: no reply is expected
 * @param options - hooks and the default timeout
 *
 * @example
 * ```ts
 * const placeOrder = jetstreamPublisher(nc, "orders.placed", encodeJSONMessage, undefined);
 * await placeOrder(ctx, { id: "o-1", qty: 2 }); // stored by the ORDERS stream
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the connection in front
export function jetstreamPublisher<Req>(
  nc: NatsConnection,
  subject: string,
  encode: EncodeMessage<Req>,
  decode: undefined,
  options?: JetStreamPublisherOptions,
): Endpoint<Req, void>;
/**
 * Calls an endpoint served by {@link jetstreamSubscriber} by request and reply through a
 * stream: the request is stored (the call waits for the PubAck) with its reply subject in the
 * `kit-reply-to` header, and the call waits for the reply, bounded by the context's deadline
 * (which travels in `kit-timeout`). The request survives a crash of the subscriber: another
 * consumer answers it, if the caller still waits. A reply with `kit-error-code` fails the call
 * with that `KitError`.
 *
 * @param nc - the connection
 * @param subject - the subject the stream captures
 * @param encode - writes the request, such as `encodeJSONMessage`
 * @param decode - reads the reply, such as `decodeJSONMessage(schema)`
 * @param options - hooks and the default timeout
 */
// eslint-disable-next-line max-params -- as above
export function jetstreamPublisher<Req, Res>(
  nc: NatsConnection,
  subject: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options?: JetStreamPublisherOptions,
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- as above
export function jetstreamPublisher<Req, Res>(
  nc: NatsConnection,
  subject: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: JetStreamPublisherOptions = {},
): Endpoint<Req, Res | undefined> {
  const send = async (ctx: Context, message: OutgoingMessage, budget: number, target: ReplyTarget): Promise<Message | undefined> => {
    const away = unreachable(nc, subject);
    if (away !== undefined) throw away;
    if (decode === undefined) {
      // The stream's acknowledgement is awaited; a connection lost meanwhile fails it at once.
      await untilAborted(untilDisconnected(nc), () => untilAborted(ctx.signal, () => publishToStream(nc, subject, message.body, toNatsHeaders(message.headers), budget)));
      return undefined;
    }
    // The reply comes to the connection's reply inbox, like a core request's; the stored request carries the subject in a header.
    return repliesOf(nc, subject).call(ctx, target, (replySubject) => {
      message.headers.set(replyToHeader, replySubject);
      return publishToStream(nc, subject, message.body, toNatsHeaders(message.headers), budget, ctx);
    });
  };
  return call(subject, encode, decode, options, send);
}
