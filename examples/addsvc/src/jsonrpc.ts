// The JSON-RPC transport of addsvc, Go kit's addtransport/jsonrpc.go: the methods `sum` and
// `concat` (Go kit's names) on one HTTP handler, and a client. Both are the code kitgen writes from
// the AddService interface (src/generated/add.jsonrpc.ts, on @kit/transport-jsonrpc); this file
// gives the methods Go kit's names, logs, and listens.
//
// Wire format: JSON-RPC 2.0 over HTTP POST. `params` is the HTTP transport's request body
// (`{"a":…,"b":…}`, Go's field rules through kitgen's `@goJSON`, so Go kit's `{"A":…,"B":…}` works too); `result`
// is `{"v":…}`. A business error is a JSON-RPC error with the Kit code in `error.data.code`
// (`can't sum two zeroes` is -32003, `{"code":"invalid_argument"}`); params that do not decode
// are -32602 Invalid params, `invalid_argument`, naming the field.
import type { IncomingMessage, ServerResponse } from "node:http";
import { logErrorHandler } from "@kit/transport";
import { listen, type Listening, type ListenOptions } from "@kit/transport-http";
import type { JsonRpcClientOptions } from "@kit/transport-jsonrpc";
import { generatedEndpoints, type AddClient, type EndpointSet } from "./endpoints.ts";
import { addClient } from "./generated/add.endpoints.ts";
import { jsonRpcHandler as generatedJsonRpcHandler, jsonRpcTransport } from "./generated/add.jsonrpc.ts";
import type { Logger } from "./middleware.ts";

/** Go kit's JSON-RPC method names, in place of kitgen's `add.sum` and `add.concat`. */
const names = { sum: "sum", concat: "concat" };

/**
 * addsvc's JSON-RPC handler, Go kit's `NewJSONRPCHandler`: a `node:http` request handler that
 * answers the methods `sum` and `concat` (single calls, batches and notifications) on any path.
 * Every error it answers is logged through `logger`.
 *
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param logger - gets one line per error answered
 *
 * @example
 * ```ts
 * http.createServer(jsonRpcHandler(endpoints, logger)).listen(8084, "127.0.0.1");
 * // curl -d '{"jsonrpc":"2.0","method":"sum","params":{"a":2,"b":3},"id":1}' 127.0.0.1:8084
 * // → {"jsonrpc":"2.0","result":{"v":5},"id":1}
 * ```
 */
export function jsonRpcHandler(endpoints: EndpointSet, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return generatedJsonRpcHandler(generatedEndpoints(endpoints), {
    names,
    errorHandler: logErrorHandler(logger),
  });
}

/** A running JSON-RPC server, as {@link serveJsonRpc} returns it: the URL to post calls to (`http://127.0.0.1:8084/`), and `listen`'s graceful `close()`. */
export type JsonRpcServer = Pick<Listening, "url" | "close">;

/** Where {@link serveJsonRpc} listens (Go kit's addsvc: port 8084), the grace period of `close()`, and its logger. */
export interface ServeJsonRpcOptions extends ListenOptions {
  /** Gets the startup line and one line per error answered. */
  readonly logger: Logger;
}

/**
 * Serves {@link jsonRpcHandler} on a `node:http` server of its own (`@kit/transport-http`'s
 * `listen`), as Go kit's addsvc serves JSON-RPC on its own listener (`-jsonrpc-addr`). Logs
 * `transport=JSONRPC addr=<host:port>`.
 *
 * @param endpoints - the endpoint set
 * @param options - host, port, logger, grace period
 */
export async function serveJsonRpc(endpoints: EndpointSet, options: ServeJsonRpcOptions): Promise<JsonRpcServer> {
  const server = await listen(jsonRpcHandler(endpoints, options.logger), options);
  options.logger.log("transport", "JSONRPC", "addr", server.addr);
  return { url: `${server.url}/`, close: () => server.close() };
}

/**
 * An {@link AddClient} that calls addsvc's JSON-RPC server ({@link serveJsonRpc}, or Go kit's
 * addsvc on its `-jsonrpc-addr`), Go kit's `NewJSONRPCClient`: each call is a JSON-RPC request
 * for `sum` or `concat` with `{"a":…,"b":…}` as params; the context's deadline travels as
 * `kit-timeout`; an error comes back as a `KitError` with the server's code (`sum(0, 0)` →
 * `invalid_argument` "can't sum two zeroes"), no server is `unavailable`, and a result that is
 * not `{"v": …}` of the right type is `internal`, naming the field (kitgen's result check).
 *
 * @param url - the server's URL, such as `http://127.0.0.1:8084/`
 * @param options - `@kit/transport-jsonrpc` client options (hooks, the default wait bound)
 *
 * @example
 * ```ts
 * const svc = jsonRpcClient("http://127.0.0.1:8084/");
 * await svc.sum(ctx, 2, 3); // 5
 * ```
 */
export function jsonRpcClient(url: string | URL, options: JsonRpcClientOptions = {}): AddClient {
  return addClient(jsonRpcTransport(url, { ...options, names }));
}
