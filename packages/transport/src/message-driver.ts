import type { Message, OutgoingMessage } from "./message.ts";

/**
 * How a broker tries a failed message again:
 *
 * - `"redeliver"`: the runtime calls {@link MessageDriver.retryLater} with a delay and the
 *   broker delivers the message again later, with a higher {@link Message.attempt}
 *   (JetStream `nak(delay)`, SQS `ChangeMessageVisibility`, AMQP republish or a delayed
 *   dead-letter exchange). The slot is free while the message waits.
 * - `"in-place"`: the runtime waits the delay itself and calls the endpoint again with the
 *   same message, holding its slot (Kafka, whose partition must not move past it; NATS core,
 *   which cannot redeliver).
 */
export type RetryMode = "redeliver" | "in-place";

/**
 * What a broker package implements so the subscriber runtime ({@link runSubscriber}) can run
 * on its broker. The runtime owns the policy (when to retry, the backoff, when to
 * dead-letter, what headers a dead letter gets, concurrency and draining); the driver only
 * moves messages. `M` is the driver's own message type, which may carry the raw broker
 * message for the calls below.
 *
 * Every message the runtime receives is settled exactly once, by exactly one of
 * {@link MessageDriver.ack | ack}, {@link MessageDriver.retryLater | retryLater},
 * {@link MessageDriver.deadLetter | deadLetter} or {@link MessageDriver.release | release}.
 * A driver method that throws is reported to the error handler and the message is
 * released, so the broker delivers it again (at least once).
 *
 * @example
 * ```ts
 * const driver: MessageDriver<JsMessage & Message> = {
 *   retry: "redeliver",
 *   receive: (max, signal) => fetchBatch(consumer, max, signal),
 *   ack: async (m) => m.ack(),
 *   retryLater: async (m, delay) => m.nak(delay),
 *   release: async (m) => m.nak(),
 *   deadLetter: async (m, headers) => { await publishWith(dlq, m, headers); m.term(); },
 *   reply: async (m, out) => nc.publish(m.reply!, out.body, { headers: toNats(out.headers) }),
 * };
 * ```
 */
export interface MessageDriver<M extends Message = Message> {
  /** How the broker retries a failed message; see {@link RetryMode}. */
  readonly retry: RetryMode;
  /**
   * Checks, once, before the first {@link MessageDriver.receive | receive}, that the subscriber
   * can work: its source (queue, stream consumer, topic) and its dead-letter destination exist
   * and it may read and write them. Resolves when they do; rejects with a `KitError` that says
   * what is wrong: `not_found` (a queue or dead-letter destination is missing),
   * `permission_denied` (the credentials may not use it) or `unavailable` (the broker cannot be
   * reached to tell). The runtime does not receive before it resolves; a rejection is reported
   * to the error handler and stops the subscriber (its `ready` promise rejects with it). A driver that
   * has nothing to check leaves it out.
   *
   * @param signal - aborted when the subscriber closes before the check is done
   */
  ready?(signal: AbortSignal): Promise<void>;
  /**
   * How many messages one {@link MessageDriver.receive | receive} call brings at most (SQS:
   * 10), for brokers whose every receive is a round trip. While messages are running, the
   * runtime waits a moment (up to 20 ms) for room for a whole batch instead of asking for one
   * or two at a time. Default 1: receive as soon as there is room.
   */
  readonly batch?: number;
  /**
   * Takes up to `max` messages off the broker, waiting until at least one is available.
   * It must never return more than `max` (that is the runtime's backpressure) and must
   * resolve promptly, with what it has or with none, once `signal` aborts (the subscriber is
   * closing); it should take nothing after that. A throw is reported as `unavailable` (once
   * per outage: the first failure, a different one, then the first success after them) and
   * receiving is tried again after a backoff.
   *
   * @param max - how many messages the runtime can run now, at least 1
   * @param signal - aborted when the subscriber closes
   */
  receive(max: number, signal: AbortSignal): Promise<readonly M[]>;
  /**
   * Acknowledges a message that was handled (the endpoint and any reply succeeded). A broker
   * without acknowledgements (NATS core) does nothing. A driver whose ack is done when it
   * returns (Kafka's marks an offset) may return `undefined`, which spares the runtime a
   * promise reaction per message; a throw then counts as a failed ack.
   *
   * @param message - the message
   */
  ack(message: M): Promise<void> | undefined;
  /**
   * Has the broker deliver the message again after `delay` milliseconds, with its attempt
   * count one higher. Called only when {@link MessageDriver.retry} is `"redeliver"`, for
   * which it is required.
   *
   * @param message - the message
   * @param delay - how long the broker should wait, in milliseconds
   */
  retryLater?(message: M, delay: number): Promise<void>;
  /**
   * Gives a message back unhandled, to be delivered again soon (to this consumer or
   * another): when the subscriber closes before it finished, or when settling it failed.
   *
   * @param message - the message
   */
  release(message: M): Promise<void>;
  /**
   * Moves a message to the dead letter: the body and the original headers, plus `headers`
   * (`kit-error-code`, `kit-error-message`, `kit-attempts`), then removes it from the queue.
   * The runtime calls it for a message that failed for good (a non-retryable error, a
   * message that cannot be decoded, retries used up).
   *
   * @param message - the message
   * @param headers - the headers the runtime adds to say why
   */
  deadLetter(message: M, headers: ReadonlyMap<string, string>): Promise<void>;
  /**
   * The fallback for a message that can never be dead-lettered as it is: when
   * {@link MessageDriver.deadLetter | deadLetter} rejects with a `KitError` whose code is
   * `resource_exhausted` (the destination refused the message for its size, such as Kafka's
   * `MESSAGE_TOO_LARGE`, with the headers the runtime adds), the runtime calls this next instead.
   * It writes what fits: the original headers and `headers` (which then also carry
   * `kit-body-truncated` with the original body's length) and the body cut short, or left out,
   * then removes the message like `deadLetter`. A driver that leaves it out has such a message
   * given back and tried again, a few times a second at most (see the README, "Settling").
   *
   * @param message - the message
   * @param headers - the headers the runtime adds to say why, and that the body was cut
   */
  deadLetterTruncated?(message: M, headers: ReadonlyMap<string, string>): Promise<void>;
  /**
   * Sends a reply to {@link Message.reply} (copying a correlation id where the broker needs
   * one). Called only for messages that have a reply address, before they are acknowledged;
   * when it throws, the message is not acknowledged but retried. Drivers whose brokers have
   * no replies (Kafka, SQS) never set `reply` and may leave this out.
   *
   * @param message - the message being answered
   * @param reply - the reply: the encoded response, or an error in `kit-error-*` headers
   */
  reply?(message: M, reply: OutgoingMessage): Promise<void>;
}
