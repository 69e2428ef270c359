/**
 * The HTTP transport for Kit endpoints: {@link server} serves an endpoint as a plain Node
 * request handler (node:http, Express, Fastify) and {@link client} calls one with fetch,
 * each with Go kit's `before`, `after`, `finalizer` hooks, the `kit-timeout` deadline header,
 * and errors that keep their code across the wire. Ready JSON codecs: {@link decodeJSON}
 * (optionally checked by any Standard Schema), {@link encodeJSON}, {@link encodeJSONRequest},
 * {@link decodeJSONResponse}. Errors: {@link encodeError} and {@link errorStatus} on the
 * server, {@link decodeError} on the client. {@link router} serves several endpoints on one
 * server by method and path pattern (`GET /items/{id}`), with 404 and 405 answers;
 * {@link decodeFields} reads a request from its path values, query and JSON body, and
 * {@link routeURL} gives a client the URL of a route on a server. {@link listen} serves a handler
 * on a `node:http` server with a graceful `close()`.
 *
 * @packageDocumentation
 */
export { readBody } from "./body.ts";
export {
  client,
  type ClientAfter,
  type ClientBefore,
  type ClientFinalizer,
  type ClientOptions,
  type ClientOutcome,
  type DecodeResponse,
  type EncodeRequest,
  type OutgoingRequest,
} from "./client.ts";
export { decodeJSON, decodeJSONResponse, encodeJSON, encodeJSONRequest, encodeJSONWith } from "./codec.ts";
export { jsonSerializer, type JSONSerializer, type JSONShape } from "./json-serializer.ts";
export { decodeError, type ErrorDecoder } from "./error-decoder.ts";
export { encodeError, type ErrorEncoder } from "./error-encoder.ts";
export { errorStatus } from "./error-status.ts";
export { decodeFields, type FieldKind, type FieldSources } from "./fields.ts";
export { listen, type Listening, type ListenOptions } from "./listen.ts";
export { routeURL } from "./route-url.ts";
export { pathValue, router, type Handler, type RouterOptions, type Unrouted } from "./router.ts";
export {
  server,
  type DecodeRequest,
  type EncodeResponse,
  type ServerAfter,
  type ServerBefore,
  type ServerFinalizer,
  type ServerOptions,
  type ServerOutcome,
} from "./server.ts";
