/**
 * The gRPC transport for Kit endpoints, on `@grpc/grpc-js`: unary, server-streaming,
 * client-streaming and bidirectional calls. On the server, {@link server},
 * {@link serverStream}, {@link clientStream} and {@link bidiStream} turn endpoints into
 * grpc-js handlers, and {@link bindService} adds them to your own grpc-js `Server`; on the
 * client, {@link client}, {@link serverStreamClient}, {@link clientStreamClient} and
 * {@link bidiStreamClient} turn a method of your grpc-js client into an endpoint; {@link listen}
 * binds a server with a graceful `close()`. Both sides
 * have Go kit's `before`, `after`, `finalizer` hooks (the server also `errorEncoder` and
 * `errorHandler`), carry
 * the deadline as `grpc-timeout`, cancel with the context, and map `KitError` codes to gRPC
 * statuses and back ({@link statusFromCode}, {@link codeFromStatus}).
 *
 * @packageDocumentation
 */
export { bindService } from "./bind-service.ts";
export {
  client,
  type ClientAfter,
  type ClientBefore,
  type ClientFinalizer,
  type ClientOptions,
  type ClientOutcome,
  type DecodeResponse,
  type EncodeRequest,
} from "./client.ts";
export {
  bidiStream,
  clientStream,
  server,
  serverStream,
  type DecodeRequest,
  type EncodeResponse,
  type ServerAfter,
  type ServerBefore,
  type ServerFinalizer,
  type ServerOptions,
  type ServerOutcome,
} from "./server.ts";
export { encodeError, type ErrorEncoder, type ErrorStatus } from "./error-encoder.ts";
export { listen, type Listening, type ListenOptions } from "./listen.ts";
export { codeFromStatus, statusFromCode } from "./status.ts";
export { bidiStreamClient, clientStreamClient, serverStreamClient } from "./stream-client.ts";
