import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";

/** A TCP proxy of the test's own in front of a broker, whose connections the test can cut. */
export interface CutProxy {
  /** Where a client connects instead of the broker: `127.0.0.1:port`. */
  readonly address: string;
  /**
   * Drops every open connection, and from now on closes each new one as soon as it is accepted:
   * the broker is out of the client's reach while it keeps running for everyone else.
   */
  cut(): void;
  /** Passes new connections through to the broker again. */
  restore(): void;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/** The host and port of `target`: `host:port`, with or without a scheme (`http://`). */
function hostAndPort(target: string): { host: string; port: number } {
  const address = target.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const colon = address.lastIndexOf(":");
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !(Number.isInteger(port) && port >= 1 && port <= 65_535)) {
    throw new Error(`invalid_argument: startCutProxy's target must be host:port, not ${JSON.stringify(target)}`);
  }
  return { host: address.slice(0, colon), port };
}

/**
 * Starts a TCP proxy on 127.0.0.1 and a free port to `target`, the broker a client under test
 * reaches through it; {@link CutProxy.cut} takes the broker out of that client's reach (its
 * connections drop, new ones are closed at once) while the test goes on changing the broker
 * through a client of its own, and {@link CutProxy.restore} lets the client back.
 *
 * @param target - the broker's `host:port` (a scheme such as `http://` is allowed)
 * @returns the proxy, listening; {@link CutProxy.close} it in a `finally`
 *
 * @example
 * ```ts
 * const proxy = await startCutProxy("127.0.0.1:2379");
 * const watching = new Etcd3({ hosts: [proxy.address] });
 * proxy.cut(); // the watcher loses etcd
 * proxy.restore(); // and reaches it again
 * await proxy.close();
 * ```
 */
export async function startCutProxy(target: string): Promise<CutProxy> {
  const { host, port } = hostAndPort(target);
  const sockets = new Set<Socket>();
  let open = true;
  const dropAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  const server = createServer((inbound) => {
    if (!open) {
      inbound.destroy();
      return;
    }
    const outbound = connect(port, host);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("error", () => undefined).on("close", () => {
        sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the cut proxy has no TCP port");
  return {
    address: `127.0.0.1:${String(address.port)}`,
    cut() {
      open = false;
      dropAll();
    },
    restore() {
      open = true;
    },
    async close() {
      open = false;
      dropAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
