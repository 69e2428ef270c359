import { untilAborted, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type PublisherOptions as HookOptions } from "@kit/transport";
import { messagePublisher, replyDecoder, replyTarget, stampSentAt, type SendMessage } from "@kit/transport/driver";
import type { Channel, ConfirmChannel } from "amqplib";
import { isAmqpConnection, type AmqpConnection } from "./connection.ts";
import { bufferOf } from "./internal/driver.ts";
import { batchWrites } from "./internal/batched-writes.ts";
import { noDelay } from "./internal/no-delay.ts";
import { headersOf, publishOptions } from "./internal/properties.ts";
import { directReplyTo, repliesOf } from "./internal/replies.ts";
import { publishConfirmed, publishFailed } from "./internal/returns.ts";

/**
 * Options for {@link publisher}: the Go kit hooks every Kit message publisher has (`before`,
 * `after`, `finalizer`), and where and how messages are published.
 */
export interface AmqpPublisherOptions extends HookOptions {
  /**
   * The exchange to publish to; default `""`, the default exchange, where the routing key is
   * the queue's name.
   */
  readonly exchange?: string;
  /**
   * Whether the broker writes the message to disk (delivery mode 2). Default `true` for
   * events (fire and forget), `false` for requests, whose caller is waiting for the reply.
   */
  readonly persistent?: boolean;
  /**
   * Whether to set TCP_NODELAY on the channel's connection (default `true`), so a request is
   * not held back by Nagle's algorithm behind an earlier write; `false` leaves the socket as it is.
   */
  readonly noDelay?: boolean;
  /**
   * Request/reply: how long a call whose context has no deadline waits for its reply, in
   * milliseconds (default 30 000, `defaultReplyTimeout`), the same meaning in every Kit
   * requester. It is the caller's side only: just a context's deadline travels, as `kit-timeout`.
   */
  readonly timeout?: number;
}

/**
 * Publishes events to RabbitMQ, fire and forget: the endpoint resolves once the broker has
 * confirmed the message (publisher confirms) and routed it to a queue. It is published
 * `mandatory` and persistent (see {@link AmqpPublisherOptions.persistent}); a message no queue
 * takes, one the broker refuses, or a channel that closes first fails the call with
 * `unavailable`, so nothing is lost silently. The context's deadline travels as `kit-timeout`
 * and bounds the wait; a call abandoned at its deadline may still have been delivered.
 *
 * @param on - a connection from `connect` (reconnects by itself; while it is away a call fails at
 *   once with `unavailable`), or a confirm channel of your own (`connection.createConfirmChannel()`)
 * @param routingKey - the queue's name (with the default exchange) or the routing key
 * @param encode - writes the event into the message, such as `encodeJSONMessage`
 * @param decode - `undefined`: no reply is expected
 * @param options - the exchange, persistence and hooks
 *
 * @example
 * ```ts
 * const connection = await connect("amqp://guest:guest@127.0.0.1:5672");
 * const orderPlaced = publisher(connection, "orders", encodeJSONMessage, undefined);
 * await orderPlaced(ctx, { id: "o-1", qty: 2 }); // resolves once RabbitMQ has it
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the channel in front
export function publisher<Req>(
  on: AmqpConnection | ConfirmChannel,
  routingKey: string,
  encode: EncodeMessage<Req>,
  decode: undefined,
  options?: AmqpPublisherOptions,
): Endpoint<Req, void>;
/**
 * Calls an endpoint served by {@link subscriber}, Go kit's `amqptransport.NewPublisher`, by
 * request and reply over RabbitMQ's direct reply-to: the request carries
 * `reply_to: amq.rabbitmq.reply-to` and a fresh `correlation_id`, and the reply comes back
 * on the same channel with no reply queue to declare. The result is an `Endpoint`, so client
 * middleware wraps it like any other.
 *
 * Each call: `encode` writes the request; the `before` hooks run; the time left before the
 * context's deadline goes in `kit-timeout`, which the subscriber turns back into its
 * deadline; the message is published `mandatory` (no queue to take it fails the call with
 * `unavailable` at once); the call waits for the reply or the context (`canceled`,
 * `deadline_exceeded`; a context without a deadline waits at most `timeout`, 30 s by default;
 * a reply that comes later is dropped); the `after` hooks see the reply; a reply with
 * `kit-error-code` fails the call with that code and message, any other is read by `decode`
 * (a reply it cannot read is `internal`); the `finalizer` hooks run last. Any channel works;
 * one no-ack consumer of replies is started on it at the first call and shared by every
 * publisher on the channel.
 *
 * @param on - a connection from `connect` (reconnects by itself; while it is away a call fails at
 *   once with `unavailable`), or a channel of your own to publish and receive replies on
 * @param routingKey - the queue's name (with the default exchange) or the routing key
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - reads the reply, such as `decodeJSONMessage(schema)`
 * @param options - the exchange, persistence and hooks
 *
 * @example
 * ```ts
 * const sum = publisher(connection, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>());
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try { console.log(await sum(ctx, { a: 1, b: 2 })); } finally { cancel(); } // { v: 3 }
 * ```
 */
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  on: AmqpConnection | Channel,
  routingKey: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options?: AmqpPublisherOptions,
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  on: AmqpConnection | Channel,
  routingKey: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: AmqpPublisherOptions = {},
): Endpoint<Req, Res | undefined> {
  const { exchange = "" } = options;
  const persistent = options.persistent ?? decode === undefined;
  const channelOf = channelSource(on, decode === undefined ? "confirm" : "plain", options);
  const target = replyTarget("AMQP", exchange === "" ? routingKey : `${exchange}/${routingKey}`, options.timeout);

  const send: SendMessage = async (ctx, message) => {
    stampSentAt(message.headers); // with kit-timeout, so the subscriber takes the time queued off it
    const content = bufferOf(message.body);
    const channel = channelOf.now() ?? (await channelOf.wait());
    if (decode === undefined) {
      const confirmed = publishConfirmed(channel as ConfirmChannel, exchange, routingKey, content, publishOptions(message.headers, { persistent }));
      await untilAborted(ctx.signal, () => confirmed);
      return undefined;
    }
    const replies = repliesOf(channel);
    if (!replies.isReady) await untilAborted(ctx.signal, () => replies.ready());
    const raw = await replies.call(ctx, target, (correlationId) => {
      try {
        channel.publish(exchange, routingKey, content, publishOptions(message.headers, { replyTo: directReplyTo, correlationId, mandatory: true, persistent }));
        batchWrites(channel);
      } catch (thrown) {
        throw publishFailed(thrown);
      }
    });
    return { body: raw.content, headers: headersOf(raw.properties), attempt: 1 };
  };
  return messagePublisher(send, encode, decode === undefined ? undefined : replyDecoder(decode, target), options);
}

/** Where a publisher's calls publish: the channel now, when there is one to use without a wait, else the wait for it. */
interface ChannelSource {
  readonly now: () => Channel | undefined;
  readonly wait: () => Promise<Channel>;
}

/**
 * Where a publisher's calls publish: the channel the connection's publishers share now (failing
 * at once with `unavailable` while it reconnects), or the user's own channel.
 */
function channelSource(on: AmqpConnection | Channel, kind: "confirm" | "plain", options: AmqpPublisherOptions): ChannelSource {
  if (isAmqpConnection(on)) {
    return { now: () => on.openChannel(kind), wait: kind === "confirm" ? () => on.sharedChannel("confirm") : () => on.sharedChannel("plain") };
  }
  if (kind === "confirm" && typeof (on as Partial<ConfirmChannel>).waitForConfirms !== "function") {
    throw new TypeError("a fire-and-forget publisher needs a connection from connect() or a confirm channel: connection.createConfirmChannel()");
  }
  if (options.noDelay !== false) noDelay(on);
  return { now: () => on, wait: () => Promise.resolve(on) };
}
