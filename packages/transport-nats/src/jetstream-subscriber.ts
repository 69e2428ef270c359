import type { Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import type { Consumer } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { guardClosed } from "./internal/closed-for-good.ts";
import { reporter } from "./internal/core-driver.ts";
import { jetstreamDriver } from "./internal/jetstream-driver.ts";
import { Puller } from "./internal/puller.ts";
import { defaultReplyNamespace, refuseForeignReplies, replyAllowedBy } from "./internal/reply-namespace.ts";

/** Options for {@link jetstreamSubscriber}: the runtime's options plus the dead letter. */
export interface JetStreamSubscriberOptions extends SubscriberOptions {
  /**
   * The subject a message that failed for good is published to, with its headers plus
   * `kit-error-code`, `kit-error-message` and `kit-attempts`, before it is terminated. A stream
   * must capture it: the subscriber waits for the PubAck, and a message whose dead letter could
   * not be stored is not terminated but delivered again. Without one, the message is only
   * terminated (`term`, which JetStream reports in its `MSG_TERMINATED` advisory) and, when
   * nobody waits for it, reported to `errorHandler` as `data_loss`.
   */
  readonly deadLetter?: string;
  /** How long one pull waits for messages before it is renewed, in milliseconds (default 5 000). */
  readonly expires?: number;
  /**
   * How long an ack's confirmation or a dead letter's PubAck may take, in milliseconds (default
   * 5 000). An ack not confirmed in time is an error (the message may be delivered again); a dead
   * letter not stored in time leaves the message to be delivered again, not terminated.
   */
  readonly ackTimeout?: number;
  /**
   * The old name of {@link JetStreamSubscriberOptions.ackTimeout}, still read when `ackTimeout`
   * is not given.
   *
   * @deprecated Use `ackTimeout`: `timeout` means a requester's wait for its reply in every other
   *   Kit option (see "One meaning per option name" in `@kit/transport`'s README).
   */
  readonly timeout?: number;
  /**
   * The prefixes a request's `kit-reply-to` subject may start with. A stored request whose
   * reply subject is outside them is not answered but dead-lettered as `permission_denied` (it
   * never reaches the endpoint), so whoever can publish to the stream cannot make the subscriber
   * publish to any subject it may. Default the connection's inbox prefix, `["_INBOX."]` (or
   * `["<inboxPrefix>."]`), where {@link jetstreamPublisher}'s requests wait. `[""]` accepts any subject.
   */
  readonly replyNamespace?: readonly string[];
}

/**
 * Serves an endpoint on a JetStream durable pull consumer with explicit acks: at least once, on
 * `@kit/transport`'s subscriber runtime. It pulls no more messages than it has free slots
 * (`concurrency`), acknowledges a message only after the endpoint and any reply succeeded (a
 * confirmed ack), retries a retryable failure by `nak` with the backoff's delay (the server
 * redelivers it, to this or another consumer, and its delivery count is the attempt, so
 * `maxAttempts` holds across restarts), and moves a message that fails for good to `deadLetter`
 * before it `term`s it. A message whose consumer dies before acking is redelivered by the
 * server after the consumer's `ack_wait`; while a message runs, the subscriber sends `working()`
 * every half `ack_wait`.
 *
 * A message with a `kit-reply-to` header (from {@link jetstreamPublisher} with a decoder) is a
 * request: the reply goes there, when it is inside `replyNamespace` (default the connection's
 * inbox prefix, `_INBOX.`); one outside is dead-lettered as `permission_denied`, not answered.
 * Its `kit-timeout` is counted from the moment the stream stored it.
 *
 * The consumer must exist with `ack_policy: "explicit"` (`ready` rejects with
 * `failed_precondition` otherwise, and the error handler is told), and its `max_deliver` should be
 * unlimited or above `maxAttempts` (the server stops delivering after `max_deliver` without a
 * dead letter). `close()` stops pulling, finishes what is in flight (up to `closeTimeout`) and
 * `nak`s the rest.
 *
 * @param nc - the connection, for replies and dead letters
 * @param consumer - the durable pull consumer, from `jetstream(nc).consumers.get(stream, name)`
 * @param endpoint - the endpoint to run on each message
 * @param decode - turns a message into the request, such as `decodeJSONMessage(schema)`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - dead letter, pull expiry, and the runtime's hooks and limits
 *
 * @example
 * ```ts
 * await jsm.consumers.add("ORDERS", { durable_name: "billing", ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000) });
 * const consumer = await jetstream(nc).consumers.get("ORDERS", "billing");
 * const sub = jetstreamSubscriber(nc, consumer, bill, decodeJSONMessage(Order), encodeJSONMessage, {
 *   concurrency: 16,
 *   maxAttempts: 5,
 *   deadLetter: "orders.dead",
 * });
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- Go kit's NewSubscriber(endpoint, dec, enc, options...), with the connection and consumer in front
export function jetstreamSubscriber<Req, Res>(
  nc: NatsConnection,
  consumer: Consumer,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: JetStreamSubscriberOptions = {},
): Subscriber {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old name of ackTimeout still works
  const { deadLetter, expires = 5_000, ackTimeout, timeout, replyNamespace, ...runtimeOptions } = options;
  const replyAllowed = replyAllowedBy(replyNamespace ?? defaultReplyNamespace(nc));
  const report = reporter(observeErrors(options.errorHandler));
  const puller = new Puller(consumer, expires);
  const driver = jetstreamDriver(nc, consumer, puller, { deadLetter, report, ackTimeout: ackTimeout ?? timeout ?? 5_000, replyAllowed });
  const guarded = guardClosed(nc, "JetStream consumer", driver, report);
  const running = runSubscriber(guarded.driver, endpoint, refuseForeignReplies(decode), encode, runtimeOptions);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      guarded.stop();
      await running.close();
      for (const raw of await puller.stop()) {
        try {
          raw.nak();
        } catch {
          // the connection is gone: the server redelivers it after ack_wait
        }
      }
    })());
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}
