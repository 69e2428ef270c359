// Shared by the integration tests: the ZooKeeper they talk to, unique paths, a TCP proxy that
// can cut the connection, and a way to wait for a condition.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type Socket, connect as tcpConnect } from "node:net";
import { type Client, createClient, type Option } from "node-zookeeper-client";

/** The ZooKeeper the tests use: `ZK_HOSTS` or 127.0.0.1:2181. */
export const zkHosts: string = process.env.ZK_HOSTS ?? "127.0.0.1:2181";

/** A connected client; fails after 20 s when ZooKeeper is not there. */
export async function connect(hosts: string = zkHosts, options: Partial<Option> = {}): Promise<Client> {
  const client = createClient(hosts, { sessionTimeout: 10_000, spinDelay: 200, ...options });
  const connected = once(client, "connected", { signal: AbortSignal.timeout(20_000) });
  client.connect();
  try {
    await connected;
  } catch (error) {
    client.close();
    throw new Error(`could not connect to ZooKeeper at ${hosts} (bash scripts/services.sh start)`, { cause: error });
  }
  return client;
}

/** A path no other run uses. */
export function uniquePath(name: string): string {
  return `/kit-test/sd-zookeeper/${name}-${randomUUID()}`;
}

/** Deletes `path` and everything under it, depth first. */
export async function removeTree(client: Client, path: string): Promise<void> {
  for (const child of await children(client, path)) await removeTree(client, `${path}/${child}`);
  await new Promise<void>((resolve, reject) => {
    client.remove(path, (error: unknown) => {
      if (error && (error as { code?: unknown }).code !== -101) reject(error instanceof Error ? error : new Error("zookeeper failed", { cause: error }));
      else resolve();
    });
  });
}

/** Lists the children of `path` ([] when it is missing). */
export function children(client: Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    client.getChildren(path, (error: unknown, names: string[]) => {
      if ((error as { code?: unknown } | null)?.code === -101) resolve([]);
      else if (error) reject(error instanceof Error ? error : new Error("zookeeper failed", { cause: error }));
      else resolve(names);
    });
  });
}

/** A TCP proxy on 127.0.0.1:0 to `target` that can drop every connection and refuse new ones. */
export async function startProxy(target: string) {
  const [host = "127.0.0.1", port = "2181"] = target.split(",")[0]!.split(":");
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((inbound) => {
    if (!open) {
      inbound.destroy();
      return;
    }
    const outbound = tcpConnect(Number(port), host);
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
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    address: `127.0.0.1:${address.port}`,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    async close() {
      open = false;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls `check` every 50 ms until it returns true; throws after `timeout` ms. Returns the ms it took. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeout = 10_000): Promise<number> {
  const start = Date.now();
  for (let i = 0; i < Math.ceil(timeout / 50) + 1; i++) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeout) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeout} ms waiting until ${what}`);
}
