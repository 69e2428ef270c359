import { background, Code, KitError, toKitError, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import type { ConfirmChannel } from "amqplib";
import { isAmqpConnection, type AmqpConnection } from "./connection.ts";
import { AmqpDriver, type AmqpMessage, type ReplyAllowed } from "./internal/driver.ts";
import { ManagedAmqpDriver } from "./internal/managed-driver.ts";
import { noDelay } from "./internal/no-delay.ts";
import { directReplyTo } from "./internal/replies.ts";
import { topologyOf, type Topology } from "./topology.ts";

/** Options for {@link subscriber}: the runtime's `SubscriberOptions` and where retries and dead letters go. */
export interface AmqpSubscriberOptions extends SubscriberOptions {
  /** The queue a retried message waits in until its TTL sends it back; default `<queue>.retry` (see {@link assertTopology}). */
  readonly retryQueue?: string;
  /** The exchange dead letters are published to, routed by the queue's name; default `<queue>.dlx`. */
  readonly deadLetterExchange?: string;
  /**
   * Whether to set TCP_NODELAY on the channel's connection (default `true`), so acks and
   * replies written after the endpoint ran do not wait up to 40 ms behind Nagle's algorithm.
   * It changes the user's connection for every channel on it, as Go and RabbitMQ's own clients
   * have it by default; `false` leaves the socket as it is.
   */
  readonly noDelay?: boolean;
  /**
   * The reply namespace: the prefixes a request's `reply_to` may start with. The reply is
   * published to the default exchange with `reply_to` as its routing key, that is to the queue of
   * that name: a request whose `reply_to` is outside these prefixes is not answered but
   * dead-lettered as `permission_denied` (it never reaches the endpoint), so whoever can publish
   * to the queue cannot make the subscriber send, with its credentials, to any queue it can
   * reach. Default `["amq.rabbitmq.reply-to"]`: RabbitMQ's direct reply-to, where the requests
   * of {@link publisher} wait (no client can declare a queue under `amq.`). `[""]` accepts any
   * queue.
   */
  readonly replyNamespace?: readonly string[];
}

/**
 * Serves an endpoint on a RabbitMQ queue, Go kit's `amqptransport.NewSubscriber`, on Kit's
 * subscriber runtime (`runSubscriber` from `@kit/transport`), with at-least-once delivery:
 *
 * - **Concurrency**: the channel's prefetch (per consumer) is set to `concurrency` (default 16)
 *   before consuming, so the broker sends no more than that many unacknowledged messages, and
 *   the runtime runs at most that many at once.
 * - **Replies**: a message with a `reply_to` is a request; the reply (or the error, in
 *   `kit-error-code`/`kit-error-message` headers) is published to the default exchange with the
 *   `reply_to` as routing key and the request's `correlation_id`, on the same channel and
 *   before the ack.
 * - **Reply addresses**: a `reply_to` outside `replyNamespace` (default RabbitMQ's direct
 *   reply-to, `amq.rabbitmq.reply-to…`) is not answered: the request is dead-lettered as
 *   `permission_denied` without running the endpoint.
 * - **Ack after success**: a message is acknowledged only after the endpoint and its reply.
 * - **Retries** (a retryable code or a failed reply, up to `maxAttempts`): the message is
 *   copied to the retry queue with the next attempt in the `kit-attempts` header and the
 *   backoff delay as its TTL, confirmed by the broker, then acknowledged; it comes back to
 *   the queue when the TTL expires, so retries survive a restart of the consumer. A message
 *   the broker redelivers (its consumer died) counts one more attempt (`x-delivery-count` on a
 *   quorum queue).
 * - **Dead letter** (a non-retryable code, a message that cannot be decoded, attempts used up):
 *   the message, its headers and `kit-error-code`, `kit-error-message`, `kit-attempts` are
 *   published persistently to the dead-letter exchange with the queue's name as routing key,
 *   confirmed (a publish no queue takes counts as failed), then the original is acknowledged.
 * - **Latency**: it sets TCP_NODELAY on the channel's connection (see `noDelay`), since acks and
 *   replies are written after the endpoint has run, which Nagle's algorithm delays by up to 40 ms.
 * - **Close**: `close()` cancels the consumer, gives back what the broker had sent but the
 *   runtime had not started, lets the messages in flight finish and be settled (up to
 *   `closeTimeout`), gives back the rest, then resolves once the broker has processed the acks
 *   (a synchronous round trip on the channel after them). On a connection from {@link connect}
 *   it then closes its channel; the user's own channel it leaves open.
 * - **Reconnection** (on a connection from {@link connect}): the subscriber consumes on a confirm
 *   channel of its own. When the connection is lost, what it had not acknowledged goes back to
 *   the queue (and comes again, redelivered), it reports the loss once to the error handler, waits
 *   for the connection to be back (the connection declares the topology again first), consumes
 *   again on a new channel and reports that too.
 *
 * The queue, retry queue and dead-letter exchange must exist: declare them with
 * {@link assertTopology} or your own definitions. `ready` rejects with `not_found` naming the
 * queue or exchange that is missing (and the error handler is told), rather than the subscriber
 * retrying receives forever. On the user's own amqplib channel (as before {@link connect}), the
 * channel must be a confirm channel (`connection.createConfirmChannel()`), since retries and dead
 * letters are published with confirms, with an `error` listener, as amqplib requires; if it
 * closes, unacknowledged messages return to the queue and the subscriber reports `unavailable`
 * until closed: open a new channel and subscriber.
 *
 * @param on - a connection from {@link connect} (reconnects by itself), or a confirm channel of
 *   your own; the subscriber consumes, acknowledges and publishes on it
 * @param queue - the queue to consume
 * @param endpoint - the endpoint to run on each message
 * @param decode - turns a message into the request, such as `decodeJSONMessage(schema)`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - the runtime's options (hooks, `concurrency`, `maxAttempts`, `backoff`, `closeTimeout`) and topology names
 *
 * @example
 * ```ts
 * const connection = await connect("amqp://guest:guest@127.0.0.1:5672");
 * await assertTopology(connection, "sum");
 * const sub = subscriber(connection, "sum", sum, decodeJSONMessage(SumRequest), encodeJSONMessage, { concurrency: 8 });
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: server(endpoint, decode, encode, options) with the channel and queue in front
export function subscriber<Req, Res>(
  on: AmqpConnection | ConfirmChannel,
  queue: string,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: AmqpSubscriberOptions = {},
): Subscriber {
  const observe = observeErrors(options.errorHandler);
  const report = (err: KitError): void => {
    observe(background(), err);
  };
  const driver = driverFor(on, topologyOf(queue, options), options, report);
  const running = runSubscriber(driver, endpoint, refuseForeignReplies(decode), encode, options);
  const stop = (): Promise<void> =>
    driver.stop().catch((thrown: unknown) => {
      report(toKitError(thrown, Code.Unavailable));
    });
  const flush = (): Promise<void> =>
    driver.flush().catch((thrown: unknown) => {
      report(toKitError(thrown, Code.Unavailable));
    });
  let closing: Promise<void> | undefined;
  // The consumer is cancelled while the runtime drains: nothing new comes in, what is in flight is still settled;
  // then close() resolves once the broker has the acks of what was settled (see AmqpDriver.flush).
  const close = (): Promise<void> => (closing ??= Promise.all([stop(), running.close()]).then(flush));
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}

/** The driver for a managed connection (a channel of its own, renewed) or for the user's own confirm channel. */
function driverFor(on: AmqpConnection | ConfirmChannel, topology: Topology, options: AmqpSubscriberOptions, report: (err: KitError) => void): AmqpDriver | ManagedAmqpDriver {
  const concurrency = options.concurrency ?? 16;
  const replyAllowed = replyAllowedBy(options.replyNamespace ?? [directReplyTo]);
  if (isAmqpConnection(on)) return new ManagedAmqpDriver(on, topology, concurrency, replyAllowed, report);
  if (typeof (on as Partial<ConfirmChannel>).waitForConfirms !== "function") {
    throw new TypeError("subscriber needs a connection from connect() or a confirm channel: connection.createConfirmChannel()");
  }
  if (options.noDelay !== false) noDelay(on);
  return new AmqpDriver(on, topology, concurrency, replyAllowed);
}

/** Whether a `reply_to` starts with one of the namespace's prefixes. */
function replyAllowedBy(namespace: readonly string[]): ReplyAllowed {
  if (!Array.isArray(namespace) || !namespace.every((prefix) => typeof prefix === "string")) {
    throw new TypeError(`options.replyNamespace must be an array of queue-name prefixes, got ${JSON.stringify(namespace)}`);
  }
  return (replyTo) => namespace.some((prefix) => replyTo.startsWith(prefix));
}

/** A request whose `reply_to` the driver refused fails before it is decoded: dead-lettered as `permission_denied`. */
function refuseForeignReplies<Req>(decode: DecodeMessage<Req>): DecodeMessage<Req> {
  return (ctx, message) => {
    const refused = (message as Partial<AmqpMessage>).refusedReply;
    if (refused !== undefined) {
      throw new KitError(Code.PermissionDenied, `reply_to ${JSON.stringify(refused)} is outside the subscriber's reply namespace; not answered`);
    }
    return decode(ctx, message);
  };
}
