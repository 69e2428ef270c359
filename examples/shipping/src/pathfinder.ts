// A stand-in for the routing service Go kit's shipping sample calls (marcusolsson/pathfinder,
// not part of Go kit): GET /paths?from=SESTO&to=CNHKG answers candidate paths built from the
// sample's locations and the voyages the real pathfinder hard-codes. Deterministic, so tests
// and README runs can check its answers.
import type { IncomingMessage, ServerResponse } from "node:http";
import { sampleLocations } from "./location.ts";

const voyages = ["0100S", "0200T", "0300A", "0301S", "0400S"];
const day = 86_400_000;

/** The paths from `from` to `to`: direct, then through each other sample location, at most 3. */
export function paths(from: string, to: string, now: number): { edges: Record<string, string>[] }[] {
  const via = sampleLocations.map((l) => l.unLocode).filter((c) => c !== from && c !== to);
  const stops = [[from, to], ...via.slice(0, 2).map((v) => [from, v, to])];
  return stops.map((route, p) => ({
    edges: route.slice(1).map((destination, i) => ({
      origin: route[i] ?? "",
      destination,
      voyage: voyages[(p + i) % voyages.length] ?? "",
      departure: new Date(now + (2 * i + 1) * day).toISOString(),
      arrival: new Date(now + (2 * i + 2) * day).toISOString(),
    })),
  }));
}

/**
 * The pathfinder's HTTP handler: `GET /paths?from=…&to=…` → `{"paths":[{"edges":[…]}]}`; times
 * count from `clock()`.
 *
 * @example
 * ```ts
 * http.createServer(pathfinderHandler()).listen(7878, "127.0.0.1");
 * ```
 */
export function pathfinderHandler(clock: () => number = Date.now): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://pathfinder");
    const from = url.searchParams.get("from") ?? "";
    const to = url.searchParams.get("to") ?? "";
    if (url.pathname !== "/paths" || req.method !== "GET" || from === "" || to === "") {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":"GET /paths?from=…&to=…"}\n');
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(`${JSON.stringify({ paths: paths(from, to, clock()) })}\n`);
  };
}
