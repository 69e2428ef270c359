// The cargo aggregate, Go kit's cargo/cargo.go, and its store.
import { randomUUID } from "node:crypto";
import { Code, KitError } from "@kit/endpoint";
import { deriveDelivery, type Delivery, type RouteSpecification } from "./delivery.ts";
import type { HandlingEvent, Itinerary } from "./itinerary.ts";
import type { UNLocode } from "./location.ts";

/** A cargo, Go kit's `cargo.Cargo`: immutable here; changes make a new one. */
export interface Cargo {
  /** Its tracking id, such as `ABC123`. */
  readonly trackingID: string;
  /** Where it started. */
  readonly origin: UNLocode;
  /** What the customer asked for. */
  readonly routeSpecification: RouteSpecification;
  /** The plan; `undefined` until routed. */
  readonly itinerary: Itinerary | undefined;
  /** Where it is in its journey. */
  readonly delivery: Delivery;
}

/** A new, unrouted cargo, Go kit's `cargo.New`. */
export function newCargo(trackingID: string, rs: RouteSpecification): Cargo {
  return { trackingID, origin: rs.origin, routeSpecification: rs, itinerary: undefined, delivery: deriveDelivery(rs, undefined, undefined) };
}

/** The cargo with a new route specification, Go kit's `SpecifyNewRoute`. */
export function specifyNewRoute(c: Cargo, rs: RouteSpecification): Cargo {
  return { ...c, routeSpecification: rs, delivery: deriveDelivery(rs, c.itinerary, c.delivery.lastEvent) };
}

/** The cargo on a new itinerary, Go kit's `AssignToRoute`. */
export function assignToRoute(c: Cargo, itinerary: Itinerary): Cargo {
  return { ...c, itinerary, delivery: deriveDelivery(c.routeSpecification, itinerary, c.delivery.lastEvent) };
}

/** The cargo after its handling history, Go kit's `DeriveDeliveryProgress`. */
export function deriveDeliveryProgress(c: Cargo, history: readonly HandlingEvent[]): Cargo {
  return { ...c, delivery: deriveDelivery(c.routeSpecification, c.itinerary, history.at(-1)) };
}

/** A new tracking id, Go kit's `NextTrackingID`: the first group of a UUID, upper-cased. */
export function nextTrackingID(): string {
  return (randomUUID().split("-")[0] ?? "").toUpperCase();
}

/** Go kit's `cargo.ErrUnknown`: a 404. */
export function unknownCargo(): KitError {
  return new KitError(Code.NotFound, "unknown cargo");
}

/** Go kit's `cargo.Repository`. */
export interface CargoRepository {
  /** Stores the cargo, replacing one with the same tracking id. */
  store(c: Cargo): void;
  /** The cargo, or `unknown cargo`. */
  find(trackingID: string): Cargo;
  /** Every cargo, in the order they were first stored. */
  findAll(): readonly Cargo[];
}

/** Go kit's `cargo.HandlingEventRepository`. */
export interface HandlingEventRepository {
  /** Adds an event to its cargo's history. */
  store(event: HandlingEvent): void;
  /** A cargo's events, oldest first. */
  history(trackingID: string): readonly HandlingEvent[];
}

/**
 * Go kit's in-memory cargo repository (`inmem.NewCargoRepository`), listing cargos in the
 * order they were first stored (Go kit's map gives them in any order).
 */
export function cargoRepository(): CargoRepository {
  const cargos = new Map<string, Cargo>();
  return {
    store: (c) => {
      cargos.set(c.trackingID, c);
    },
    find(trackingID) {
      const c = cargos.get(trackingID);
      if (c === undefined) throw unknownCargo();
      return c;
    },
    findAll: () => [...cargos.values()],
  };
}

/** Go kit's in-memory handling event repository. */
export function handlingEventRepository(): HandlingEventRepository {
  const events = new Map<string, HandlingEvent[]>();
  return {
    store(event) {
      const list = events.get(event.trackingID) ?? [];
      list.push(event);
      events.set(event.trackingID, list);
    },
    history: (trackingID) => [...(events.get(trackingID) ?? [])],
  };
}
