/**
 * gRPC server and client for endpoints on grpc-js: unary, server-streaming, client-streaming and bidirectional calls.
 *
 * @packageDocumentation
 */
export {};
