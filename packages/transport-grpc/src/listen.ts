import { ServerCredentials, type Server } from "@grpc/grpc-js";

/** Where {@link listen} binds, and how long its `close()` waits. */
export interface ListenOptions {
  /** The address to listen on, such as `"127.0.0.1"` or `"::1"`. */
  readonly host: string;
  /** The port; `0` picks a free one. */
  readonly port: number;
  /** How long `close()` lets the calls in flight finish before it cuts them; default 5000 ms. */
  readonly graceMs?: number;
  /** The server's credentials; default `ServerCredentials.createInsecure()`. */
  readonly credentials?: ServerCredentials;
}

/** A gRPC server {@link listen} bound. */
export interface Listening {
  /** The address it listens on, `host:port` (an IPv6 host in brackets), such as `127.0.0.1:8082`: a gRPC target. */
  readonly addr: string;
  /**
   * Shuts the server down gracefully (`tryShutdown`: no new calls, the calls in flight finish)
   * and cuts what is still open after the grace period (`forceShutdown`). Calling it again
   * returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Binds your grpc-js `Server` (its services already added, such as with {@link bindService}) to
 * `host:port` and resolves once it listens (or rejects with the bind error), with a graceful
 * `close()` that does not cut a call in flight for the grace period.
 *
 * @param grpcServer - your grpc-js server
 * @param options - the host, the port, the grace period of `close()`, the credentials
 *
 * @example
 * ```ts
 * const grpcServer = new grpc.Server();
 * bindService(grpcServer, definition, { Sum: server(sumEndpoint) });
 * const { addr, close } = await listen(grpcServer, { host: "127.0.0.1", port: 8082 });
 * ```
 */
export async function listen(grpcServer: Server, options: ListenOptions): Promise<Listening> {
  const { port, graceMs = 5_000, credentials = ServerCredentials.createInsecure() } = options;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const bound = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync(`${host}:${String(port)}`, credentials, (err, boundPort) => {
      if (err === null) resolve(boundPort);
      else reject(err);
    });
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        grpcServer.forceShutdown();
        resolve();
      }, graceMs);
      grpcServer.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }));
  return { addr: `${host}:${String(bound)}`, close };
}
