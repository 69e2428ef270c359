/**
 * Kit endpoints as AWS Lambda handlers. {@link server} serves an endpoint for API Gateway
 * REST API (payload 1.0) and HTTP API (payload 2.0) events, ALB target events and function
 * URLs, with `@kit/transport-http`'s hooks, codecs ({@link decodeJSON}, {@link encodeJSON})
 * and error answers ({@link encodeError}). {@link subscriber} serves one for an SQS event
 * source on Kit's message-subscriber runtime, and answers with a partial batch response.
 *
 * @packageDocumentation
 */
export { decodeJSON, encodeJSON } from "./codec.ts";
export { encodeError, type ErrorEncoder } from "./error-encoder.ts";
export type { InvocationContext } from "./invocation.ts";
export type { EventKind, LambdaRequest } from "./request.ts";
export type { LambdaResponse } from "./response.ts";
export type { LambdaResult } from "./result.ts";
export {
  server,
  type DecodeRequest,
  type EncodeResponse,
  type HttpHandler,
  type ServerAfter,
  type ServerBefore,
  type ServerFinalizer,
  type ServerOptions,
  type ServerOutcome,
} from "./server.ts";
export { subscriber, type DeadLetterSender, type SqsBatchResponse, type SqsHandler, type SqsSubscriberOptions } from "./subscriber.ts";
