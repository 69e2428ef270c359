/**
 * The shared core of Kit transports, with no transport of its own: the {@link ErrorHandler}
 * contract and {@link logErrorHandler}, the error-code ↔ HTTP-status tables
 * ({@link httpStatusFromCode}, {@link codeFromHttpStatus}), the JSON {@link Codec}, schema
 * validation with any Standard Schema validator ({@link validate}), the `kit-timeout`
 * deadline header ({@link writeTimeout}, {@link readTimeout}) on any {@link HeaderCarrier},
 * and the message-subscriber runtime every message transport plugs its broker into
 * ({@link runSubscriber} with a {@link MessageDriver}) and the call every message publisher
 * makes ({@link messagePublisher}), with {@link exponentialBackoff}, {@link Deadlines} (many
 * deadlines on one timer), the
 * JSON message codecs and the `kit-error-*` headers ({@link writeError}, {@link readError}), and
 * the {@link ReplyCorrelator} every request/reply client waits on.
 *
 * @packageDocumentation
 */
export { exponentialBackoff, type Backoff, type BackoffOptions } from "./backoff.ts";
export type { HeaderCarrier } from "./carrier.ts";
export { Deadlines, type Expiring } from "./deadlines.ts";
export { jsonCodec, type Codec } from "./codec.ts";
export type { MessageDriver, RetryMode } from "./driver.ts";
export { logErrorHandler, observeErrors, type ErrorHandler } from "./error-handler.ts";
export { codeFromHttpStatus, httpStatusFromCode } from "./http-status.ts";
export { decodeJSONMessage, encodeJSONMessage } from "./message-codec.ts";
export { attemptsHeader, errorCodeHeader, errorMessageHeader, readError, writeError } from "./message-error.ts";
export type { DecodeMessage, EncodeMessage, Message, OutgoingMessage } from "./message.ts";
export {
  messagePublisher,
  type PublisherAfter,
  type PublisherBefore,
  type PublisherFinalizer,
  type PublisherOptions,
  type PublisherOutcome,
  type SendMessage,
} from "./publisher.ts";
export {
  defaultReplyTimeout,
  replyDecoder,
  ReplyCorrelator,
  replyTarget,
  type ReplyTarget,
  type SendRequest,
} from "./reply-correlator.ts";
export { validate, type Schema } from "./schema.ts";
export {
  runSubscriber,
  type MessageDecision,
  type MessageErrorEncoder,
  type MessageOutcome,
  type Subscriber,
  type SubscriberAfter,
  type SubscriberBefore,
  type SubscriberFinalizer,
  type SubscriberOptions,
} from "./subscriber.ts";
export { readTimeout, timeoutHeader, writeTimeout } from "./timeout.ts";
