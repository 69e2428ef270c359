// The booking use case, Go kit's shipping/booking: book, load, route and re-route cargos.
import { Code, type Context, KitError } from "@kit/endpoint";
import { assignToRoute, type Cargo, type CargoRepository, newCargo, nextTrackingID, specifyNewRoute } from "./cargo.ts";
import type { Itinerary, Leg } from "./itinerary.ts";
import type { LocationRepository, UNLocode } from "./location.ts";
import type { RoutingService } from "./routing.ts";
import { settle } from "./settle.ts";

/** Go kit's `booking.ErrInvalidArgument` (and handling's, and tracking's): a 400. */
export function invalidArgument(): KitError {
  return new KitError(Code.InvalidArgument, "invalid argument");
}

/** The booking view of a cargo, Go kit's `booking.Cargo`. */
export interface BookingCargo {
  /** The deadline. */
  readonly arrivalDeadline: Date;
  /** Where it must arrive. */
  readonly destination: UNLocode;
  /** Its itinerary's legs; none when not routed. */
  readonly legs: readonly Leg[];
  /** Whether its itinerary misses its route specification. */
  readonly misrouted: boolean;
  /** Where it starts. */
  readonly origin: UNLocode;
  /** Whether it has an itinerary. */
  readonly routed: boolean;
  /** Its tracking id. */
  readonly trackingID: string;
}

/** The booking service, Go kit's `booking.Service`. */
export interface BookingService {
  /** Books a new, unrouted cargo; its tracking id. */
  bookNewCargo(ctx: Context, origin: UNLocode, destination: UNLocode, deadline: Date | undefined): Promise<string>;
  /** A cargo's booking view. */
  loadCargo(ctx: Context, id: string): Promise<BookingCargo>;
  /** Possible itineraries for a cargo; none for an unknown cargo, as in Go kit. */
  requestPossibleRoutesForCargo(ctx: Context, id: string): Promise<readonly Itinerary[]>;
  /** Puts a cargo on an itinerary. */
  assignCargoToRoute(ctx: Context, id: string, itinerary: Itinerary): Promise<void>;
  /** Changes a cargo's destination to a known location. */
  changeDestination(ctx: Context, id: string, destination: UNLocode): Promise<void>;
  /** Every cargo booked. */
  cargos(ctx: Context): Promise<readonly BookingCargo[]>;
  /** Every location. */
  locations(ctx: Context): Promise<readonly { readonly unLocode: UNLocode; readonly name: string }[]>;
}

/** A cargo as the booking views show it, Go kit's `booking.assemble`. */
export function bookingView(c: Cargo): BookingCargo {
  return {
    arrivalDeadline: c.routeSpecification.arrivalDeadline,
    destination: c.routeSpecification.destination,
    legs: c.itinerary?.legs ?? [],
    misrouted: c.delivery.routingStatus === "Misrouted",
    origin: c.origin,
    routed: (c.itinerary?.legs.length ?? 0) > 0,
    trackingID: c.trackingID,
  };
}

/**
 * The booking service, Go kit's `booking.NewService`, with Go kit's argument checks.
 *
 * @example
 * ```ts
 * const bs = bookingService(cargos, locations, routing);
 * const id = await bs.bookNewCargo(ctx, "SESTO", "CNHKG", new Date(Date.now() + 7 * 86_400_000));
 * ```
 */
export function bookingService(cargos: CargoRepository, locations: LocationRepository, routing: RoutingService): BookingService {
  return {
    bookNewCargo: (_ctx, origin, destination, deadline) =>
      settle(() => {
        if (origin === "" || destination === "" || deadline === undefined) throw invalidArgument();
        const c = newCargo(nextTrackingID(), { origin, destination, arrivalDeadline: deadline });
        cargos.store(c);
        return c.trackingID;
      }),
    loadCargo: (_ctx, id) =>
      settle(() => {
        if (id === "") throw invalidArgument();
        return bookingView(cargos.find(id));
      }),
    requestPossibleRoutesForCargo(ctx, id) {
      const c = id === "" ? undefined : cargos.findAll().find((cargo) => cargo.trackingID === id);
      return c === undefined ? Promise.resolve([]) : routing.fetchRoutesForSpecification(ctx, c.routeSpecification);
    },
    assignCargoToRoute: (_ctx, id, itinerary) =>
      settle(() => {
        if (id === "" || itinerary.legs.length === 0) throw invalidArgument();
        cargos.store(assignToRoute(cargos.find(id), itinerary));
      }),
    changeDestination: (_ctx, id, destination) =>
      settle(() => {
        if (id === "" || destination === "") throw invalidArgument();
        const c = cargos.find(id);
        const l = locations.find(destination);
        cargos.store(specifyNewRoute(c, { ...c.routeSpecification, destination: l.unLocode }));
      }),
    cargos: () => settle(() => cargos.findAll().map(bookingView)),
    locations: () => settle(() => locations.findAll()),
  };
}
