// The routing service, Go kit's shipping/routing: itineraries for a route specification, from
// a pathfinder service over HTTP behind a circuit breaker (Go kit's Hystrix "fetch-routes").
import { opossumBreaker } from "@kit/circuitbreaker/opossum";
import type { Context, Endpoint } from "@kit/endpoint";
import type { Logger } from "@kit/log";
import { client } from "@kit/transport-http";
import type { RouteSpecification } from "./delivery.ts";
import type { Itinerary } from "./itinerary.ts";

/** Go kit's `routing.Service`. */
export interface RoutingService {
  /** The itineraries that satisfy `rs`; none when the pathfinder cannot be asked. */
  fetchRoutesForSpecification(ctx: Context, rs: RouteSpecification): Promise<readonly Itinerary[]>;
}

/** One edge of a pathfinder path, as its `/paths` answers. */
interface Edge {
  readonly origin: string;
  readonly destination: string;
  readonly voyage: string;
  readonly departure: string;
  readonly arrival: string;
}

/** The pathfinder's answer: `{"paths":[{"edges":[…]}]}`, Go kit's `fetchRoutesResponse`. */
export interface PathsResponse {
  /** The paths found. */
  readonly paths: readonly { readonly edges: readonly Edge[] }[] | null;
}

function fetchRoutes(url: string): Endpoint<{ from: string; to: string }, PathsResponse> {
  const target = new URL(url);
  if (target.pathname === "/") target.pathname = "/paths";
  return client(
    "GET",
    target,
    (_ctx, req: { from: string; to: string }, outgoing) => {
      outgoing.url.searchParams.set("from", req.from);
      outgoing.url.searchParams.set("to", req.to);
    },
    async (_ctx, response) => (await response.json()) as PathsResponse,
  );
}

/**
 * Go kit's `NewProxyingMiddleware`: asks the pathfinder at `url` (`GET /paths?from=…&to=…`)
 * through an opossum circuit breaker (Hystrix's defaults: open above 50 % failures over 20
 * calls in 10 s, try again after 5 s). A failed call, or an open circuit, gives no routes, as
 * in Go kit; it is logged.
 *
 * @example
 * ```ts
 * const rs = proxyingRoutingService("http://127.0.0.1:7878", logger);
 * ```
 */
export function proxyingRoutingService(url: string, logger: Logger): RoutingService & { close(): void } {
  const cb = opossumBreaker<{ from: string; to: string }, PathsResponse>({
    name: "fetch-routes",
    timeout: 1_000,
    volumeThreshold: 20,
    errorThresholdPercentage: 50,
    resetTimeout: 5_000,
  });
  const fetch = cb(fetchRoutes(url));
  return {
    async fetchRoutesForSpecification(ctx, rs) {
      let response: PathsResponse;
      try {
        response = await fetch(ctx, { from: rs.origin, to: rs.destination });
      } catch (err) {
        logger.log("method", "fetch_routes", "from", rs.origin, "to", rs.destination, "err", err);
        return [];
      }
      return (response.paths ?? []).map((path) => ({
        legs: path.edges.map((e) => ({
          voyageNumber: e.voyage,
          loadLocation: e.origin,
          unloadLocation: e.destination,
          loadTime: new Date(e.departure),
          unloadTime: new Date(e.arrival),
        })),
      }));
    },
    close: () => {
      cb.breaker.shutdown();
    },
  };
}
