// Go kit's method labels of the three services, used by the logging and instrumenting
// middleware (`method="book"` and so on) and the names their arguments are logged under.
import type { BookingService } from "./booking.ts";
import type { HandlingService } from "./handling.ts";
import type { MethodTable } from "./middleware.ts";
import type { TrackingService } from "./tracking.ts";

/** The booking service's methods, Go kit's labels. */
export const bookingMethods: MethodTable<BookingService> = {
  bookNewCargo: { label: "book", args: ["origin", "destination", "arrival_deadline"] },
  loadCargo: { label: "load", args: ["tracking_id"] },
  requestPossibleRoutesForCargo: { label: "request_routes", args: ["tracking_id"] },
  assignCargoToRoute: { label: "assign_to_route", args: ["tracking_id", "itinerary"] },
  changeDestination: { label: "change_destination", args: ["tracking_id", "destination"] },
  cargos: { label: "list_cargos", args: [] },
  locations: { label: "list_locations", args: [] },
};

/** The tracking service's method, Go kit's label. */
export const trackingMethods: MethodTable<TrackingService> = {
  track: { label: "track", args: ["tracking_id"] },
};

/** The handling service's method, Go kit's label. */
export const handlingMethods: MethodTable<HandlingService> = {
  registerHandlingEvent: { label: "register_incident", args: ["incident"] },
};
