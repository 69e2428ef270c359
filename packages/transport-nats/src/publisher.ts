import { untilAborted, type Context, type Endpoint } from "@kit/endpoint";
import type { DecodeMessage, EncodeMessage, Message, OutgoingMessage, PublisherOptions as HookOptions } from "@kit/transport";
import type { ReplyTarget } from "@kit/transport/driver";
import type { NatsConnection } from "@nats-io/nats-core";
import { call } from "./internal/call.ts";
import { toNatsHeaders } from "./internal/headers.ts";
import { unreachable } from "./internal/reachable.ts";
import { request } from "./internal/replies.ts";

/**
 * Options for {@link publisher} and `jetstreamPublisher` (`@kit/transport-nats/jetstream`): the Go kit hooks every Kit
 * message publisher has (`before`, `after`, `finalizer`) and the time budget of a call.
 */
export interface NatsPublisherOptions extends HookOptions {
  /**
   * How long a call whose context has no deadline waits for its reply (or its PubAck), in
   * milliseconds (default 30 000, `defaultReplyTimeout`): the same meaning in every Kit
   * requester. Only a context's deadline travels to the subscriber (as `kit-timeout`), as in
   * Go kit; this bound is the caller's side only.
   */
  readonly timeout?: number;
}

/**
 * Sends requests to a core NATS subject without waiting for a reply (fire and forget): the
 * endpoint resolves once the server has the message (a flush). Core NATS keeps nothing: if no
 * one subscribes, the message is gone; use `jetstreamPublisher` (`@kit/transport-nats/jetstream`) to keep it.
 *
 * @param nc - the connection
 * @param subject - the subject to publish to
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - `undefined`: no reply is expected
 * @param options - hooks
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the connection in front
export function publisher<Req>(
  nc: NatsConnection,
  subject: string,
  encode: EncodeMessage<Req>,
  decode: undefined,
  options?: NatsPublisherOptions,
): Endpoint<Req, void>;
/**
 * Calls an endpoint served on a core NATS subject ({@link subscriber}, or any NATS responder)
 * by request and reply, Go kit's `NewPublisher` for NATS. The result is an `Endpoint`, so client
 * middleware wraps it like any other.
 *
 * Each call: `encode` writes the request; the `before` hooks run; the time left before the
 * context's deadline goes in the `kit-timeout` header and bounds the request (a context without
 * a deadline sends no header and waits at most `timeout`); the call waits for the reply or the context (`canceled`, `deadline_exceeded`);
 * the `after` hooks see the reply; a reply with `kit-error-code` fails the call with that
 * `KitError`, any other is read by `decode`; the `finalizer` hooks run last. No responders is
 * `unavailable`.
 *
 * @param nc - the connection
 * @param subject - the subject the endpoint is served on
 * @param encode - writes the request, such as `encodeJSONMessage`
 * @param decode - reads the reply, such as `decodeJSONMessage(schema)`
 * @param options - hooks and the default timeout
 *
 * @example
 * ```ts
 * const sum = publisher(nc, "svc.sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>());
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try { console.log(await sum(ctx, { a: 1, b: 2 })); } finally { cancel(); }
 * ```
 */
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  nc: NatsConnection,
  subject: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options?: NatsPublisherOptions,
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  nc: NatsConnection,
  subject: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: NatsPublisherOptions = {},
): Endpoint<Req, Res | undefined> {
  const send = (ctx: Context, message: OutgoingMessage, _budget: number, target: ReplyTarget): Promise<Message | undefined> => {
    const away = unreachable(nc, subject);
    if (away !== undefined) return Promise.reject(away);
    const hdrs = toNatsHeaders(message.headers);
    if (decode === undefined) {
      nc.publish(subject, message.body, hdrs === undefined ? undefined : { headers: hdrs });
      return untilAborted(ctx.signal, () => nc.flush()).then(nothing);
    }
    return request(nc, ctx, target, message.body, hdrs);
  };
  return call(subject, encode, decode, options, send);
}

function nothing(): undefined {
  return undefined;
}
