// The tracking use case, Go kit's shipping/tracking: a cargo as its customer sees it.
import type { Context } from "@kit/endpoint";
import { invalidArgument } from "./booking.ts";
import type { Cargo, CargoRepository, HandlingEventRepository } from "./cargo.ts";
import { type HandlingActivity, type HandlingEvent, isExpected } from "./itinerary.ts";
import { settle } from "./settle.ts";

/** One line of a cargo's history, Go kit's `tracking.Event`. */
export interface TrackingEvent {
  /** What happened, in words. */
  readonly description: string;
  /** Whether the itinerary expected it. */
  readonly expected: boolean;
}

/** The tracking view of a cargo, Go kit's `tracking.Cargo`. */
export interface TrackingCargo {
  /** Its tracking id. */
  readonly trackingID: string;
  /** Where it is, in words. */
  readonly statusText: string;
  /** Where it started. */
  readonly origin: string;
  /** Where it goes. */
  readonly destination: string;
  /** When it should arrive; `undefined` (Go's zero time) when off track. */
  readonly eta: Date | undefined;
  /** What should happen next, in words. */
  readonly nextExpectedActivity: string;
  /** The deadline. */
  readonly arrivalDeadline: Date;
  /** Its history; `null` when empty, as Go kit's nil slice. */
  readonly events: readonly TrackingEvent[] | null;
}

/** Go kit's `tracking.Service`. */
export interface TrackingService {
  /** The cargo with this tracking id. */
  track(ctx: Context, id: string): Promise<TrackingCargo>;
}

function nextExpected(a: HandlingActivity): string {
  const prefix = "Next expected activity is to";
  switch (a.type) {
    case "Load":
      return `${prefix} load cargo onto voyage ${a.voyageNumber} in ${a.location}.`;
    case "Unload":
      return `${prefix} unload cargo off of voyage ${a.voyageNumber} in ${a.location}.`;
    case "Not Handled":
      return "There are currently no expected activities for this cargo.";
    case "Receive":
    case "Claim":
    case "Customs":
      return `${prefix} ${a.type.toLowerCase()} cargo in ${a.location}.`;
  }
}

function statusText(c: Cargo): string {
  switch (c.delivery.transportStatus) {
    case "Not received":
      return "Not received";
    case "In port":
      return `In port ${c.delivery.lastKnownLocation}`;
    case "Onboard carrier":
      return `Onboard voyage ${c.delivery.currentVoyage}`;
    case "Claimed":
      return "Claimed";
    case "Unknown":
      return "Unknown";
  }
}

/** Go kit's description of an event, with the time it happened (Go kit printed the time of reading). */
function describe(e: HandlingEvent): string {
  const at = e.completed.toISOString().replace(/\.\d{3}Z$/, "Z");
  const { type, location, voyageNumber } = e.activity;
  switch (type) {
    case "Not Handled":
      return "Cargo has not yet been received.";
    case "Receive":
      return `Received in ${location}, at ${at}`;
    case "Load":
      return `Loaded onto voyage ${voyageNumber} in ${location}, at ${at}.`;
    case "Unload":
      return `Unloaded off voyage ${voyageNumber} in ${location}, at ${at}.`;
    case "Claim":
      return `Claimed in ${location}, at ${at}.`;
    case "Customs":
      return `Cleared customs in ${location}, at ${at}.`;
  }
}

/**
 * The tracking service, Go kit's `tracking.NewService`.
 *
 * @example
 * ```ts
 * (await trackingService(cargos, events).track(ctx, "ABC123")).statusText; // "Not received"
 * ```
 */
export function trackingService(cargos: CargoRepository, events: HandlingEventRepository): TrackingService {
  return {
    track: (_ctx, id) =>
      settle(() => {
        if (id === "") throw invalidArgument();
        const c = cargos.find(id);
        const history = events.history(id).map((e) => ({ description: describe(e), expected: isExpected(c.itinerary ?? { legs: [] }, e.activity) }));
        return {
          trackingID: c.trackingID,
          statusText: statusText(c),
          origin: c.origin,
          destination: c.routeSpecification.destination,
          eta: c.delivery.eta,
          nextExpectedActivity: nextExpected(c.delivery.nextExpectedActivity),
          arrivalDeadline: c.routeSpecification.arrivalDeadline,
          events: history.length === 0 ? null : history,
        };
      }),
  };
}
