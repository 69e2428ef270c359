// The delivery snapshot of a cargo, Go kit's cargo/delivery.go: derived from the route
// specification, the itinerary and the last handling event.
import { finalArrivalLocation, type HandlingActivity, type HandlingEvent, initialDepartureLocation, isExpected, type Itinerary, noActivity } from "./itinerary.ts";
import type { UNLocode } from "./location.ts";
import type { VoyageNumber } from "./voyage.ts";

/** What the customer asked for, Go kit's `RouteSpecification`. */
export interface RouteSpecification {
  /** Where the cargo starts. */
  readonly origin: UNLocode;
  /** Where it must arrive. */
  readonly destination: UNLocode;
  /** By when. */
  readonly arrivalDeadline: Date;
}

/** Go kit's `RoutingStatus`, by its `String()`. */
export type RoutingStatus = "Not routed" | "Misrouted" | "Routed";

/** Go kit's `TransportStatus`, by its `String()`. */
export type TransportStatus = "Not received" | "In port" | "Onboard carrier" | "Claimed" | "Unknown";

/** Where a cargo is in its journey, Go kit's `Delivery`. */
export interface Delivery {
  /** Whether the itinerary satisfies the route specification. */
  readonly routingStatus: RoutingStatus;
  /** Where the cargo physically is. */
  readonly transportStatus: TransportStatus;
  /** What should happen next (`noActivity` when off track). */
  readonly nextExpectedActivity: HandlingActivity;
  /** The last handling, if any. */
  readonly lastEvent: HandlingEvent | undefined;
  /** Where it was last seen; `""` when never handled. */
  readonly lastKnownLocation: UNLocode;
  /** The voyage it is on; `""` when not on board. */
  readonly currentVoyage: VoyageNumber;
  /** The expected arrival; `undefined` (Go's zero time) when off track. */
  readonly eta: Date | undefined;
  /** Whether the last handling was not what the itinerary expected. */
  readonly isMisdirected: boolean;
  /** Whether it was unloaded at its destination. */
  readonly isUnloadedAtDestination: boolean;
}

function routingStatus(itinerary: Itinerary | undefined, rs: RouteSpecification): RoutingStatus {
  if (itinerary === undefined) return "Not routed";
  const satisfied = initialDepartureLocation(itinerary) === rs.origin && finalArrivalLocation(itinerary) === rs.destination;
  return satisfied ? "Routed" : "Misrouted";
}

function transportStatus(event: HandlingEvent | undefined): TransportStatus {
  switch (event?.activity.type) {
    case undefined:
    case "Not Handled":
      return "Not received";
    case "Load":
      return "Onboard carrier";
    case "Unload":
    case "Receive":
    case "Customs":
      return "In port";
    case "Claim":
      return "Claimed";
  }
}

function nextExpectedActivity(rs: RouteSpecification, itinerary: Itinerary, last: HandlingEvent | undefined): HandlingActivity {
  const legs = itinerary.legs;
  switch (last?.activity.type) {
    case undefined:
    case "Not Handled":
      return { type: "Receive", location: rs.origin, voyageNumber: "" };
    case "Receive": {
      const first = legs[0];
      return first === undefined ? noActivity : { type: "Load", location: first.loadLocation, voyageNumber: first.voyageNumber };
    }
    case "Load": {
      const leg = legs.find((l) => l.loadLocation === last.activity.location);
      return leg === undefined ? noActivity : { type: "Unload", location: leg.unloadLocation, voyageNumber: leg.voyageNumber };
    }
    case "Unload": {
      const i = legs.findIndex((l) => l.unloadLocation === last.activity.location);
      const next = legs[i + 1];
      if (i < 0) return noActivity;
      if (next !== undefined) return { type: "Load", location: next.loadLocation, voyageNumber: next.voyageNumber };
      return { type: "Claim", location: legs[i]?.unloadLocation ?? "", voyageNumber: "" };
    }
    case "Claim":
    case "Customs":
      return noActivity;
  }
}

/**
 * The delivery of a cargo with route specification `rs`, itinerary `itinerary` (`undefined`:
 * not routed) and last handling `last`, Go kit's `newDelivery`.
 *
 * @example
 * ```ts
 * deriveDelivery(rs, undefined, undefined).transportStatus; // "Not received"
 * ```
 */
export function deriveDelivery(rs: RouteSpecification, itinerary: Itinerary | undefined, last: HandlingEvent | undefined): Delivery {
  const plan = itinerary ?? { legs: [] };
  const routing = routingStatus(itinerary, rs);
  const transport = transportStatus(last);
  const handled = last !== undefined && last.activity.type !== "Not Handled";
  const isMisdirected = handled && !isExpected(plan, last.activity);
  const onTrack = routing === "Routed" && !isMisdirected;
  return {
    routingStatus: routing,
    transportStatus: transport,
    lastEvent: last,
    lastKnownLocation: last?.activity.location ?? "",
    currentVoyage: transport === "Onboard carrier" && handled ? last.activity.voyageNumber : "",
    isMisdirected,
    isUnloadedAtDestination: handled && last.activity.type === "Unload" && rs.destination === last.activity.location,
    nextExpectedActivity: onTrack ? nextExpectedActivity(rs, plan, last) : noActivity,
    eta: onTrack ? plan.legs.at(-1)?.unloadTime : undefined,
  };
}
