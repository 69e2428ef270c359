// The shipping sample and its stand-in pathfinder on real sockets on 127.0.0.1, with fixed
// clocks, so every answer can be checked byte for byte.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { shippingApp } from "../../src/app.ts";
import { pathfinderHandler } from "../../src/pathfinder.ts";
import type { Handler } from "@kit/transport-http";

/** 2026-01-01T00:00:00Z: the seed cargos' deadlines and the pathfinder's times count from it. */
export const epoch = Date.UTC(2026, 0, 1);

/** Listens on a free port; returns the base URL and how to stop. */
export async function listen(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => { resolve(); });
      }),
  };
}

/** The app on a free port, asking the pathfinder at `routingURL` (default: a stand-in started here). */
export async function startApp(routingURL?: string): Promise<{ url: string; lines: unknown[][]; close: () => Promise<void> }> {
  const pathfinder = routingURL === undefined ? await listen(pathfinderHandler(() => epoch)) : undefined;
  const lines: unknown[][] = [];
  const app = shippingApp({ routingURL: routingURL ?? pathfinder?.url ?? "", logger: { log: (...kv: unknown[]) => lines.push(kv) }, now: epoch });
  const server = await listen(app.handler);
  return {
    url: server.url,
    lines,
    close: async () => {
      app.close();
      await server.close();
      await pathfinder?.close();
    },
  };
}
