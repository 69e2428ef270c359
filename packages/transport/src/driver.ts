/**
 * What transport authors build a Kit message transport from, apart from what applications use
 * (that is the package root, `@kit/transport`): the message-subscriber runtime
 * ({@link runSubscriber}) and the {@link MessageDriver} a broker package implements for it, the
 * call every message publisher makes ({@link messagePublisher} around a {@link SendMessage}),
 * many deadlines on one timer ({@link Deadlines}), the `kit-timeout` header
 * ({@link writeTimeout}, {@link readTimeout}), {@link observeErrors}, which calls an
 * application's error handler safely, and the {@link ReplyCorrelator} every request/reply client
 * waits on ({@link replyTarget}, {@link replyDecoder}, {@link defaultReplyTimeout}), and
 * {@link RecentBytes}, which decodes the short byte strings a transport reads again and again
 * (header blocks, field names) once.
 *
 * @example
 * ```ts
 * import { runSubscriber, type MessageDriver } from "@kit/transport/driver";
 * const driver: MessageDriver<MyMessage> = { retry: "redeliver", receive, ack, retryLater, release, deadLetter };
 * const sub = runSubscriber(driver, endpoint, decode, encode, options);
 * ```
 *
 * @packageDocumentation
 */
export { Deadlines, type Expiring } from "./deadlines.ts";
export { observeErrors } from "./error-handler.ts";
export type { MessageDriver, RetryMode } from "./message-driver.ts";
export { createOutgoingMessage, textBody } from "./outgoing-message.ts";
export { messagePublisher, sendAsIs, type PublisherFailure, type SendAndForget, type SendMessage } from "./publisher.ts";
export {
  defaultReplyTimeout,
  replyDecoder,
  ReplyCorrelator,
  replyTarget,
  type ReplyTarget,
  type SendRequest,
} from "./reply-correlator.ts";
export { RecentBytes } from "./recent-bytes.ts";
export { runSubscriber } from "./subscriber.ts";
export { sentAtHeader, spendTimeInQueue, stampSentAt } from "./sent-at.ts";
export { readTimeout, timeoutHeader, writeTimeout } from "./timeout.ts";
