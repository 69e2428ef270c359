// Shared by the integration tests: the etcd they talk to and a way to wait for a condition.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type Socket, connect as tcpConnect } from "node:net";
import { Etcd3 } from "etcd3";

/** The etcd the tests use: `ETCD_ENDPOINTS` (comma-separated) or 127.0.0.1:2379. */
export const etcdHosts: string[] = (process.env.ETCD_ENDPOINTS ?? "127.0.0.1:2379")
  .split(",")
  .map((host) => host.trim())
  .filter((host) => host !== "");

/** A client for the test etcd, with a 5 s deadline per call so a missing etcd fails fast. */
export function newClient(hosts: string[] = etcdHosts): Etcd3 {
  return new Etcd3({ hosts, dialTimeout: 5_000, defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 5_000 }) });
}

/** A key prefix no other run uses. */
export function uniquePrefix(name: string): string {
  return `/kit-test/sd-etcd/${name}/${randomUUID()}/`;
}

/** A 127.0.0.1 port where nothing listens (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A TCP proxy on 127.0.0.1:0 to `target` that can drop every connection and refuse new ones. */
export async function startProxy(target: string) {
  const [host = "127.0.0.1", port = "2379"] = target.replace(/^https?:\/\//, "").split(":");
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
