import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import type { NatsConnection } from "@nats-io/nats-core";
import { coreDriver, reporter } from "./internal/core-driver.ts";
import { guardClosed } from "./internal/closed-for-good.ts";
import { fromNatsError } from "./internal/errors.ts";
import { Inbox } from "./internal/inbox.ts";
import { defaultReplyNamespace, refuseForeignReplies, replyAllowedBy } from "./internal/reply-namespace.ts";

/** Options for {@link subscriber}: the runtime's options plus the queue group and the dead letter. */
export interface NatsSubscriberOptions extends SubscriberOptions {
  /**
   * The queue group: the subscribers of one group share the subject's messages, each message
   * going to one of them. Without one, every subscriber gets every message.
   */
  readonly queue?: string;
  /**
   * Where a message that failed for good is published, with its headers plus
   * `kit-error-code`, `kit-error-message` and `kit-attempts`. Point it at a JetStream stream to
   * keep them. Without one, a failed request is still answered with the error, and a failed
   * message that nobody waits for is reported to `errorHandler` as `data_loss`.
   */
  readonly deadLetter?: string;
  /**
   * The reply namespace: the prefixes a request's reply subject may start with. The reply is
   * published to that subject with the subscriber's connection and its permissions: a request
   * whose reply subject is outside these prefixes is not answered but dead-lettered as
   * `permission_denied` (it never reaches the endpoint), so whoever can publish to the subject
   * cannot make the subscriber publish to any subject it may. Default the connection's inbox
   * prefix, `["_INBOX."]` (or `["<inboxPrefix>."]` with nats.js's `inboxPrefix` option), where
   * Kit's requesters, nats.js's `request` and `nats req` wait: a caller with an `inboxPrefix` of
   * its own needs it listed here. `[""]` accepts any subject.
   */
  readonly replyNamespace?: readonly string[];
}

/**
 * Serves an endpoint on a core NATS subject, Go kit's `NewSubscriber` for NATS: each message is
 * decoded, passed to the endpoint and, when it has a reply subject (a request), answered with
 * the encoded response, or with the error in `kit-error-code` and `kit-error-message` headers.
 * It runs on `@kit/transport`'s subscriber runtime: at most `concurrency` messages at once, a
 * `kit-timeout` header becomes the endpoint's deadline, retryable errors are retried in place
 * with backoff up to `maxAttempts`, and a message that fails for good goes to `deadLetter`.
 *
 * Core NATS is at most once: it has no acknowledgements and no redelivery. A message the
 * subscriber got is handled in this process or not at all; if the process dies with it, its
 * caller sees a timeout (`deadline_exceeded`) and may retry. Use `jetstreamSubscriber` (`@kit/transport-nats/jetstream`)
 * when messages must survive a crash.
 *
 * A request whose reply subject is outside `replyNamespace` (default the connection's inbox
 * prefix, `_INBOX.`) is not answered: it is dead-lettered as `permission_denied` without running
 * the endpoint.
 *
 * `close()` unsubscribes first, so nothing published after it reaches this subscriber, handles
 * what the server had already delivered (up to `closeTimeout`), waits for the messages in
 * flight (up to `closeTimeout` again), and republishes to the subject whatever is left, for
 * another member of the queue group to take. Without a queue group, every subscriber has its own
 * copy of each message: what is left is not republished (the others would handle it twice) but
 * reported to the error handler as `canceled`, one report per message.
 *
 * @param nc - the connection, the user's own
 * @param subject - the subject to serve (wildcards allowed)
 * @param endpoint - the endpoint to run on each message
 * @param decode - turns a message into the request, such as `decodeJSONMessage(schema)`
 * @param encode - writes the reply, such as `encodeJSONMessage`
 * @param options - queue group, dead letter, and the runtime's hooks and limits
 *
 * @example
 * ```ts
 * const nc = await connect({ servers: "127.0.0.1:4222", maxReconnectAttempts: -1 }); // never give up
 * const sub = subscriber(nc, "svc.sum", sum, decodeJSONMessage(SumRequest), encodeJSONMessage, { queue: "svc" });
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- Go kit's NewSubscriber(endpoint, dec, enc, options...), with the connection and subject in front
export function subscriber<Req, Res>(
  nc: NatsConnection,
  subject: string,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: NatsSubscriberOptions = {},
): Subscriber {
  const { queue, deadLetter, replyNamespace, ...runtimeOptions } = options;
  const replyAllowed = replyAllowedBy(replyNamespace ?? defaultReplyNamespace(nc));
  const report = reporter(observeErrors(options.errorHandler));
  const inbox = new Inbox();
  // On a closed connection nothing is subscribed: the subscriber's ready fails (see guardClosed).
  const sub = nc.isClosed() ? undefined : nc.subscribe(subject, {
    ...(queue === undefined ? {} : { queue }),
    callback: (err, msg) => {
      if (err !== null) report(fromNatsError(err, subject));
      else inbox.push(msg);
    },
  });
  const driver = coreDriver(nc, inbox, { deadLetter, report, release: queue === undefined ? "drop" : "republish", replyAllowed });
  const guarded = guardClosed(nc, subject, driver, report);
  const running = runSubscriber(guarded.driver, endpoint, refuseForeignReplies(decode), encode, runtimeOptions);
  const closeTimeout = options.closeTimeout ?? 30_000;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      guarded.stop();
      try {
        if (sub !== undefined && !sub.isClosed() && !nc.isClosed()) await sub.drain();
      } catch (err) {
        report(fromNatsError(err, subject));
      }
      await inbox.emptied(closeTimeout);
      await running.close();
      const left = inbox.takeAll();
      for (const raw of left) {
        try {
          await driver.release({ body: raw.data, headers: new Map(), attempt: 1, reply: raw.reply, raw });
        } catch (err) {
          report(fromNatsError(err, subject));
        }
      }
      if (left.length > 0 && queue !== undefined) {
        report(new KitError(Code.Canceled, `NATS ${subject}: closed with ${left.length} messages not started; republished them to the subject`));
      }
    })());
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}
