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
import http from "node:http";
import type { AddressInfo } from "node:net";
import { logErrorHandler } from "@kit/transport";
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
export function jsonRpcHandler(endpoints: EndpointSet, logger: Logger): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return generatedJsonRpcHandler(generatedEndpoints(endpoints), {
    names,
    errorHandler: logErrorHandler(logger),
  });
}

/** A running JSON-RPC server, as {@link serveJsonRpc} returns it. */
export interface JsonRpcServer {
  /** The URL to post calls to, such as `http://127.0.0.1:8084/`. */
  readonly url: string;
  /**
   * Stops accepting connections, lets the calls in flight finish, closes idle connections and
   * cuts what is left after `graceMs`. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** Where {@link serveJsonRpc} listens, and its logger. */
export interface ServeJsonRpcOptions {
  /** The address to listen on, such as `"127.0.0.1"`. */
  readonly host: string;
  /** The port; `0` picks a free one. Go kit's addsvc uses 8084. */
  readonly port: number;
  /** Gets the startup line and one line per error answered. */
  readonly logger: Logger;
  /** How long `close()` waits for calls in flight; default 5000 ms. */
  readonly graceMs?: number;
}

/**
 * Serves {@link jsonRpcHandler} on a `node:http` server of its own, as Go kit's addsvc serves
 * JSON-RPC on its own listener (`-jsonrpc-addr`). Logs `transport=JSONRPC addr=<host:port>`.
 *
 * @param endpoints - the endpoint set
 * @param options - host, port, logger, grace period
 */
export async function serveJsonRpc(endpoints: EndpointSet, options: ServeJsonRpcOptions): Promise<JsonRpcServer> {
  const { host, port, logger, graceMs = 5_000 } = options;
  const httpServer = http.createServer(jsonRpcHandler(endpoints, logger));
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const addr = `${address.family === "IPv6" ? `[${address.address}]` : address.address}:${String(address.port)}`;
  logger.log("transport", "JSONRPC", "addr", addr);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${addr}/`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        const grace = setTimeout(() => {
          httpServer.closeAllConnections();
        }, graceMs);
        httpServer.close(() => {
          clearTimeout(grace);
          resolve();
        });
        httpServer.closeIdleConnections();
      })),
  };
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
