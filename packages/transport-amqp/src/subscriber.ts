import { background, Code, toKitError, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import type { ConfirmChannel } from "amqplib";
import { AmqpDriver } from "./internal/driver.ts";
import { noDelay } from "./internal/no-delay.ts";
import { topologyOf } from "./topology.ts";

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
 *   (a synchronous round trip on the channel after them). It leaves the channel open.
 *
 * The queue, retry queue and dead-letter exchange must exist: declare them with
 * {@link assertTopology} or your own definitions. The channel must be a confirm channel
 * (`connection.createConfirmChannel()`), since retries and dead letters are published with
 * confirms; give each subscriber's channel an `error` listener, as amqplib requires. If the
 * channel closes, unacknowledged messages return to the queue and the subscriber reports
 * `unavailable` until closed: open a new channel and subscriber.
 *
 * @param channel - a confirm channel; the subscriber consumes, acknowledges and publishes on it
 * @param queue - the queue to consume
 * @param endpoint - the endpoint to run on each message
 * @param decode - turns a message into the request, such as `decodeJSONMessage(schema)`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - the runtime's options (hooks, `concurrency`, `maxAttempts`, `backoff`, `closeTimeout`) and topology names
 *
 * @example
 * ```ts
 * const channel = await connection.createConfirmChannel();
 * await assertTopology(channel, "sum");
 * const sub = subscriber(channel, "sum", sum, decodeJSONMessage(SumRequest), encodeJSONMessage, { concurrency: 8 });
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: server(endpoint, decode, encode, options) with the channel and queue in front
export function subscriber<Req, Res>(
  channel: ConfirmChannel,
  queue: string,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: AmqpSubscriberOptions = {},
): Subscriber {
  if (typeof (channel as Partial<ConfirmChannel>).waitForConfirms !== "function") {
    throw new TypeError("subscriber needs a confirm channel: connection.createConfirmChannel()");
  }
  if (options.noDelay !== false) noDelay(channel);
  const driver = new AmqpDriver(channel, topologyOf(queue, options), options.concurrency ?? 16);
  const running = runSubscriber(driver, endpoint, decode, encode, options);
  const observe = observeErrors(options.errorHandler);
  const stop = (): Promise<void> =>
    driver.stop().catch((thrown: unknown) => {
      observe(background(), toKitError(thrown, Code.Unavailable));
    });
  let closing: Promise<void> | undefined;
  // The consumer is cancelled while the runtime drains: nothing new comes in, what is in flight is still settled.
  const flush = (): Promise<void> =>
    driver.flush().catch((thrown: unknown) => {
      observe(background(), toKitError(thrown, Code.Unavailable));
    });
  // ...and close() resolves once the broker has the acks of what was settled (see AmqpDriver.flush).
  const close = (): Promise<void> => (closing ??= Promise.all([stop(), running.close()]).then(flush));
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}
