/**
 * The shared core of Kit transports, as applications use it: the {@link ErrorHandler}
 * contract with {@link logErrorHandler} and {@link defaultErrorHandler}, the one disclosure
 * rule ({@link publicError}), the error-code ↔ HTTP-status tables ({@link httpStatusFromCode},
 * {@link codeFromHttpStatus}), the JSON {@link Codec}, schema validation with any Standard
 * Schema validator ({@link validate}), the message shapes and JSON message codecs
 * ({@link decodeJSONMessage}, {@link encodeJSONMessage}), the `kit-error-*` headers
 * ({@link writeError}, {@link readError}), {@link exponentialBackoff}, and the options, hooks
 * and outcomes every message subscriber ({@link SubscriberOptions}, {@link Subscriber}) and
 * publisher ({@link PublisherOptions}) takes, {@link subscriberGroup}, several subscribers run
 * as one, and {@link whenReady}, which waits until one receives. What a served service starts
 * with: {@link serveTransports} (the start of each transport, closed last first by
 * {@link closeAll} when one fails), {@link startAll}, {@link parseAddr}; its program's main is
 * `runProgram` of `@kit/transport/program`.
 *
 * Transport authors import the runtime, the driver contract and the publisher call from
 * `@kit/transport/driver`.
 *
 * @packageDocumentation
 */
export { exponentialBackoff, type Backoff, type BackoffOptions } from "./backoff.ts";
export type { HeaderCarrier } from "./carrier.ts";
export { closeAll } from "./close-all.ts";
export { jsonCodec, type Codec } from "./codec.ts";
export { defaultErrorHandler, logErrorHandler, type ErrorHandler } from "./error-handler.ts";
export { codeFromHttpStatus, httpStatusFromCode } from "./http-status.ts";
export { decodeJSONMessage, encodeJSONMessage } from "./message-codec.ts";
export { attemptsHeader, bodyTruncatedHeader, errorCodeHeader, errorMessageHeader, readError, writeError } from "./message-error.ts";
export type { DecodeMessage, EncodeMessage, Message, OutgoingMessage } from "./message.ts";
export { writeTextBody } from "./outgoing-message.ts";
export { parseAddr, type HostPort } from "./parse-addr.ts";
export { publicError } from "./public-error.ts";
export type { PublisherAfter, PublisherBefore, PublisherFinalizer, PublisherOptions, PublisherOutcome } from "./publisher.ts";
export { validate, type Schema } from "./schema.ts";
export {
  serveTransports,
  type EndpointsOn,
  type ServeHandling,
  type ServeListenOptions,
  type ServeLogger,
  type ServeOptions,
  type ServeStart,
  type ServeSubscriberOptions,
} from "./serve-transports.ts";
export { startAll, type Closeable, type Started } from "./start-all.ts";
export { subscriberGroup } from "./subscriber-group.ts";
export { whenReady } from "./when-ready.ts";
export type {
  MessageDecision,
  MessageErrorEncoder,
  MessageOutcome,
  Subscriber,
  SubscriberAfter,
  SubscriberBefore,
  SubscriberFinalizer,
  SubscriberOptions,
} from "./subscriber-options.ts";
