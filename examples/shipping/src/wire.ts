// Go kit's JSON for the shipping sample: its field names, Go's time format (RFC 3339; the zero
// time is 0001-01-01T00:00:00Z), json.Encoder's trailing newline, and request bodies read as
// Go's json.Decoder reads them (unknown fields ignored, a missing string is "").
import { Code, KitError } from "@kit/endpoint";
import type { BookingCargo } from "./booking.ts";
import type { Itinerary, Leg } from "./itinerary.ts";
import type { Location } from "./location.ts";
import type { TrackingCargo } from "./tracking.ts";

/** Go's zero time, which an RFC 3339 field that is missing gets. */
export const zeroTime: Date = new Date("0001-01-01T00:00:00Z");

/** A time as Go's `time.Time` marshals it; `undefined` is Go's zero time. */
export function goTime(t: Date | undefined): string {
  return t === undefined || t.getTime() === zeroTime.getTime() ? "0001-01-01T00:00:00Z" : t.toISOString();
}

/** A leg as Go kit's `cargo.Leg` marshals it. */
export function legJSON(l: Leg): Record<string, string> {
  return { voyage_number: l.voyageNumber, from: l.loadLocation, to: l.unloadLocation, load_time: goTime(l.loadTime), unload_time: goTime(l.unloadTime) };
}

/** An itinerary as Go kit's `cargo.Itinerary` marshals it. */
export function itineraryJSON(i: Itinerary): Record<string, unknown> {
  return { legs: i.legs.map(legJSON) };
}

/** The booking view as Go kit's `booking.Cargo` marshals it (`legs` left out when empty). */
export function bookingCargoJSON(c: BookingCargo): Record<string, unknown> {
  return {
    arrival_deadline: goTime(c.arrivalDeadline),
    destination: c.destination,
    ...(c.legs.length > 0 ? { legs: c.legs.map(legJSON) } : {}),
    misrouted: c.misrouted,
    origin: c.origin,
    routed: c.routed,
    tracking_id: c.trackingID,
  };
}

/** The tracking view as Go kit's `tracking.Cargo` marshals it. */
export function trackingCargoJSON(c: TrackingCargo): Record<string, unknown> {
  return {
    tracking_id: c.trackingID,
    status_text: c.statusText,
    origin: c.origin,
    destination: c.destination,
    eta: goTime(c.eta),
    next_expected_activity: c.nextExpectedActivity,
    arrival_deadline: goTime(c.arrivalDeadline),
    events: c.events,
  };
}

/** A location as Go kit's `booking.Location` marshals it. */
export function locationJSON(l: Location): Record<string, string> {
  return { locode: l.unLocode, name: l.name };
}

function invalid(message: string): KitError {
  return new KitError(Code.InvalidArgument, message);
}

/** A JSON object from a request body. */
export function objectBody(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw invalid(`request body is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid("request body must be a JSON object");
  return value as Record<string, unknown>;
}

/** A string field; a missing one is `""`. */
export function text(o: Record<string, unknown>, field: string): string {
  const v = o[field] ?? "";
  if (typeof v !== "string") throw invalid(`${field}: expected a string`);
  return v;
}

/** A time field in RFC 3339; a missing or `null` one is `undefined` (Go's zero time). */
export function time(o: Record<string, unknown>, field: string): Date | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  if (typeof v !== "string" || !rfc3339.test(v) || Number.isNaN(Date.parse(v))) throw invalid(`${field}: expected an RFC 3339 time`);
  return v.startsWith("0001-01-01T00:00:00") ? undefined : new Date(v);
}

/** An itinerary from a body `{"legs":[…]}`, Go kit's `cargo.Itinerary`. */
export function itineraryFrom(o: Record<string, unknown>): Itinerary {
  const legs = o.legs ?? [];
  if (!Array.isArray(legs)) throw invalid("legs: expected an array");
  return {
    legs: legs.map((value: unknown, i) => {
      if (typeof value !== "object" || value === null) throw invalid(`legs[${String(i)}]: expected an object`);
      const l = value as Record<string, unknown>;
      const loadTime = time(l, "load_time") ?? zeroTime;
      const unloadTime = time(l, "unload_time") ?? zeroTime;
      return { voyageNumber: text(l, "voyage_number"), loadLocation: text(l, "from"), unloadLocation: text(l, "to"), loadTime, unloadTime };
    }),
  };
}

/** `value` as Go's `json.NewEncoder(w).Encode(value)` writes it: JSON and a newline. */
export function goJSON(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
