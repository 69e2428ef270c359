/**
 * JSON-RPC 2.0 over HTTP for Kit endpoints, Go kit's `transport/http/jsonrpc` made complete:
 * a {@link server} that answers a table of methods (single calls, batches, notifications, the
 * spec's error codes and Kit's), a typed {@link client} per method, {@link notifier}s and
 * {@link batch} calls; codecs that check params and results with a Standard Schema
 * ({@link checkedParams}, {@link checkedResult}) and a {@link methodTable} that refuses two
 * methods under one name.
 *
 * @packageDocumentation
 */
export { batch, call, type AnyBatchCall, type BatchCall, type BatchResults, type CallAnswering } from "./batch.ts";
export { client, notifier, type DecodeResult, type EncodeParams, type JsonRpcMethod } from "./client.ts";
export { errorObject, kitErrorFrom } from "./error-codes.ts";
export type { JsonRpcClientAfter, JsonRpcClientBefore, JsonRpcClientFinalizer, JsonRpcClientOptions } from "./internal/post.ts";
export { paramsAsRequest, resultAsIs, type DecodeParams, type EncodeResult, type MethodCodec, type MethodTable } from "./method.ts";
export { methodCodec, methodTable } from "./method-table.ts";
export { contentType, ErrorCode, version, type JsonRpcError, type JsonRpcFailure, type JsonRpcId, type JsonRpcRequest, type JsonRpcResponse, type JsonRpcSuccess } from "./protocol.ts";
export { checkedParams, checkedResult, requestAsParams } from "./schema-codecs.ts";
export {
  server,
  type JsonRpcServerAfter,
  type JsonRpcServerBefore,
  type JsonRpcServerFinalizer,
  type JsonRpcServerOptions,
  type JsonRpcServerOutcome,
} from "./server.ts";
