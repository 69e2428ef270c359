// What the four programs share: flags, listening on host:port, and a clean exit on a signal.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import type { Logger } from "@kit/log";
import type { Handler } from "@kit/transport-http";

/**
 * The string flags given (`--listen 127.0.0.1:8080`), with `defaults` for the missing ones.
 * An unknown flag prints `usage` and exits 2.
 */
export function flags<K extends string>(defaults: Readonly<Record<K, string>>, usage: string): Record<K, string> {
  try {
    const options = Object.fromEntries(Object.keys(defaults).map((name) => [name, { type: "string" as const }]));
    const { values } = parseArgs({ options, strict: true });
    return { ...defaults, ...(values as Partial<Record<K, string>>) };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}

/**
 * Serves `handler` on `addr` (`host:port`, `:port` for every interface, port 0 for any free
 * one) and logs `msg=HTTP addr=<the address bound>`, as Go kit's examples do.
 */
export async function listen(handler: Handler, addr: string, logger: Logger): Promise<http.Server> {
  const colon = addr.lastIndexOf(":");
  const host = addr.slice(0, colon);
  const port = Number(addr.slice(colon + 1));
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host === "" ? undefined : host, resolve);
  });
  const bound = server.address() as AddressInfo;
  logger.log("msg", "HTTP", "addr", `${host}:${String(bound.port)}`);
  return server;
}

/** On SIGINT or SIGTERM: runs `stop` (stop taking work, finish what is in flight), then exits 0. */
export function exitOnSignal(stop: () => Promise<void>): void {
  const exit = (): void => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", exit);
  process.once("SIGTERM", exit);
}

/** Closes `server`: no new connections, idle ones closed, then waits for the rest. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeIdleConnections();
  });
}
