// One endpoint per method of the three services, Go kit's make…Endpoint functions, answering
// Go kit's response bodies. Service errors are thrown; the HTTP error encoder writes them as Go
// kit's encodeError does.
import type { Endpoint } from "@kit/endpoint";
import type { BookingService } from "./booking.ts";
import type { HandlingService } from "./handling.ts";
import type { HandlingEventType, Itinerary } from "./itinerary.ts";
import type { TrackingService } from "./tracking.ts";
import { bookingCargoJSON, itineraryJSON, locationJSON, trackingCargoJSON } from "./wire.ts";

/** A JSON body as Go kit answers: `{}`, `{"cargo": …}`, `{"routes": […]}`… */
export type Answer = Readonly<Record<string, unknown>>;

/** A cargo's tracking id, from the path. */
export interface IDRequest {
  /** The `{id}` of the path. */
  readonly id: string;
}

/** The endpoints of the shipping sample. */
export interface Endpoints {
  /** `POST /booking/v1/cargos`: `{"tracking_id": …}` */
  readonly bookCargo: Endpoint<{ origin: string; destination: string; deadline: Date | undefined }, Answer>;
  /** `GET /booking/v1/cargos/{id}`: `{"cargo": …}` */
  readonly loadCargo: Endpoint<IDRequest, Answer>;
  /** `GET /booking/v1/cargos/{id}/request_routes`: `{"routes": […]}`, `{}` when none */
  readonly requestRoutes: Endpoint<IDRequest, Answer>;
  /** `POST /booking/v1/cargos/{id}/assign_to_route`: `{}` */
  readonly assignToRoute: Endpoint<IDRequest & { itinerary: Itinerary }, Answer>;
  /** `POST /booking/v1/cargos/{id}/change_destination`: `{}` */
  readonly changeDestination: Endpoint<IDRequest & { destination: string }, Answer>;
  /** `GET /booking/v1/cargos`: `{"cargos": […]}`, `{}` when none */
  readonly listCargos: Endpoint<unknown, Answer>;
  /** `GET /booking/v1/locations`: `{"locations": […]}` */
  readonly listLocations: Endpoint<unknown, Answer>;
  /** `GET /tracking/v1/cargos/{id}`: `{"cargo": …}` */
  readonly trackCargo: Endpoint<IDRequest, Answer>;
  /** `POST /handling/v1/incidents`: `{}` */
  readonly registerIncident: Endpoint<{ completed: Date | undefined; trackingID: string; voyage: string; location: string; type: HandlingEventType }, Answer>;
}

/**
 * Every endpoint of the sample on its three services.
 *
 * @example
 * ```ts
 * const e = makeEndpoints(bs, ts, hs);
 * await e.listLocations(background(), undefined); // { locations: [{ locode: "SESTO", name: "Stockholm" }, …] }
 * ```
 */
export function makeEndpoints(bs: BookingService, ts: TrackingService, hs: HandlingService): Endpoints {
  const none: Answer = {};
  return {
    bookCargo: async (ctx, r) => ({ tracking_id: await bs.bookNewCargo(ctx, r.origin, r.destination, r.deadline) }),
    loadCargo: async (ctx, r) => ({ cargo: bookingCargoJSON(await bs.loadCargo(ctx, r.id)) }),
    requestRoutes: async (ctx, r) => {
      const routes = await bs.requestPossibleRoutesForCargo(ctx, r.id);
      return routes.length === 0 ? none : { routes: routes.map(itineraryJSON) };
    },
    assignToRoute: async (ctx, r) => (await bs.assignCargoToRoute(ctx, r.id, r.itinerary), none),
    changeDestination: async (ctx, r) => (await bs.changeDestination(ctx, r.id, r.destination), none),
    listCargos: async (ctx) => {
      const cargos = await bs.cargos(ctx);
      return cargos.length === 0 ? none : { cargos: cargos.map(bookingCargoJSON) };
    },
    listLocations: async (ctx) => ({ locations: (await bs.locations(ctx)).map(locationJSON) }),
    trackCargo: async (ctx, r) => ({ cargo: trackingCargoJSON(await ts.track(ctx, r.id)) }),
    registerIncident: async (ctx, r) => (await hs.registerHandlingEvent(ctx, r), none),
  };
}
