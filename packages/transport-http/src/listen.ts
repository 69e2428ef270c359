import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Where {@link listen} listens, and how long its `close()` waits. */
export interface ListenOptions {
  /** The address to listen on, such as `"127.0.0.1"` or `"::1"`. */
  readonly host: string;
  /** The port; `0` picks a free one. */
  readonly port: number;
  /** How long `close()` lets the requests in flight finish before it cuts their connections; default 5000 ms. */
  readonly graceMs?: number;
}

/** A server {@link listen} started. */
export interface Listening {
  /** The address it listens on, `host:port` (an IPv6 host in brackets), such as `127.0.0.1:8081`. */
  readonly addr: string;
  /** The base URL to call, `http://<addr>`. */
  readonly url: string;
  /**
   * Stops accepting connections, lets the requests in flight finish (their connections close
   * once answered, as does one kept alive that brings a request meanwhile), closes idle
   * keep-alive connections, and cuts what is still open after the grace period. Resolves when
   * every connection is closed; calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Serves `handler` on a `node:http` server at `host:port` and resolves once it listens (or
 * rejects with the error, such as `EADDRINUSE`), with a graceful `close()` that does not cut a
 * request in flight for the grace period.
 *
 * @param handler - a Node request handler, such as a {@link router} or a {@link server}
 * @param options - the host, the port, the grace period of `close()`
 *
 * @example
 * ```ts
 * const { url, close } = await listen(router({ "POST /sum": server(sum, decodeJSON(), encodeJSON) }), { host: "127.0.0.1", port: 0 });
 * // … on SIGTERM:
 * await close();
 * ```
 */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, options: ListenOptions): Promise<Listening> {
  const { host, port, graceMs = 5_000 } = options;
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  const httpServer = createServer((req, res) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    if (closing !== undefined) res.setHeader("connection", "close");
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const addr = `${address.family === "IPv6" ? `[${address.address}]` : address.address}:${String(address.port)}`;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const grace = setTimeout(() => {
        httpServer.closeAllConnections();
      }, graceMs);
      httpServer.close(() => {
        clearTimeout(grace);
        resolve();
      });
      // node:http keeps a busy connection alive after its response unless told otherwise.
      for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
      httpServer.closeIdleConnections();
    }));
  return { addr, url: `http://${addr}`, close };
}
