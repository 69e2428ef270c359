// Itineraries and handling activities, Go kit's cargo/itinerary.go and cargo/handling.go.
import type { UNLocode } from "./location.ts";
import type { VoyageNumber } from "./voyage.ts";

/** One voyage between two locations, Go kit's `cargo.Leg`. */
export interface Leg {
  /** The voyage. */
  readonly voyageNumber: VoyageNumber;
  /** Where the cargo is loaded. */
  readonly loadLocation: UNLocode;
  /** Where it is unloaded. */
  readonly unloadLocation: UNLocode;
  /** When it is loaded. */
  readonly loadTime: Date;
  /** When it is unloaded. */
  readonly unloadTime: Date;
}

/** The plan to carry a cargo, Go kit's `cargo.Itinerary`; no legs means not routed. */
export interface Itinerary {
  /** The legs, in order. */
  readonly legs: readonly Leg[];
}

/** What can happen to a cargo, Go kit's `HandlingEventType` (its `String()` names). */
export type HandlingEventType = "Not Handled" | "Load" | "Unload" | "Receive" | "Claim" | "Customs";

/** How and where a cargo is (or is expected to be) handled, Go kit's `HandlingActivity`. */
export interface HandlingActivity {
  /** What happens. */
  readonly type: HandlingEventType;
  /** Where; `""` when not known. */
  readonly location: UNLocode;
  /** On which voyage; `""` when none. */
  readonly voyageNumber: VoyageNumber;
}

/** A registered handling of a cargo, Go kit's `HandlingEvent`. */
export interface HandlingEvent {
  /** The cargo. */
  readonly trackingID: string;
  /** What happened, where, on which voyage. */
  readonly activity: HandlingActivity;
  /** When it happened (Kit keeps it; Go kit's read model printed the time of reading instead). */
  readonly completed: Date;
}

/** No activity: Go kit's zero `HandlingActivity`. */
export const noActivity: HandlingActivity = { type: "Not Handled", location: "", voyageNumber: "" };

/** Where the itinerary starts; `""` without legs. */
export function initialDepartureLocation(i: Itinerary): UNLocode {
  return i.legs[0]?.loadLocation ?? "";
}

/** Where the itinerary ends; `""` without legs. */
export function finalArrivalLocation(i: Itinerary): UNLocode {
  return i.legs.at(-1)?.unloadLocation ?? "";
}

/** Whether `activity` is what the itinerary expects, Go kit's `Itinerary.IsExpected`. */
export function isExpected(i: Itinerary, activity: HandlingActivity): boolean {
  if (i.legs.length === 0) return true;
  switch (activity.type) {
    case "Receive":
      return initialDepartureLocation(i) === activity.location;
    case "Load":
      return i.legs.some((l) => l.loadLocation === activity.location && l.voyageNumber === activity.voyageNumber);
    case "Unload":
      return i.legs.some((l) => l.unloadLocation === activity.location && l.voyageNumber === activity.voyageNumber);
    case "Claim":
      return finalArrivalLocation(i) === activity.location;
    case "Customs":
    case "Not Handled":
      return true;
  }
}
