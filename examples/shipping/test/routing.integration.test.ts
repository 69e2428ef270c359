// The routing client behind its circuit breaker (Go kit's Hystrix "fetch-routes"), against a
// pathfinder that drops every connection, and against none at all.
import { createServer, type Server } from "node:net";
import { background, isKitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { proxyingRoutingService } from "../src/routing.ts";
import { freePort } from "@kit/test-support";

const spec = { origin: "SESTO", destination: "CNHKG", arrivalDeadline: new Date() };

describe("proxyingRoutingService", () => {
  it("gives no routes while the pathfinder fails, and stops calling it once its breaker opens", async () => {
    let connections = 0;
    const broken: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    const port = (broken.address() as { port: number }).port;
    const lines: unknown[][] = [];
    const routing = proxyingRoutingService(`http://127.0.0.1:${String(port)}`, { log: (...kv: unknown[]) => lines.push(kv) });
    try {
      for (let i = 0; i < 40; i++) expect(await routing.fetchRoutesForSpecification(background(), spec)).toEqual([]);
      // Hystrix's rule: open once 20 calls in the window failed more than half the time.
      expect(connections).toBe(20);
      const last = lines.at(-1)?.at(-1);
      expect(isKitError(last) && [last.code, last.message]).toEqual(["unavailable", "circuit open"]);
    } finally {
      routing.close();
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  it("gives no routes, without hanging, when nothing listens", async () => {
    const routing = proxyingRoutingService(`http://127.0.0.1:${String(await freePort())}`, { log: () => undefined });
    try {
      expect(await routing.fetchRoutesForSpecification(background(), spec)).toEqual([]);
    } finally {
      routing.close();
    }
  });
});
