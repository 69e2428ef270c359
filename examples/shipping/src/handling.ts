// The handling use case, Go kit's shipping/handling (with cargo.HandlingEventFactory and
// shipping/inspection): register that a cargo was handled, then inspect it.
import type { Context } from "@kit/endpoint";
import type { Logger } from "@kit/log";
import { invalidArgument } from "./booking.ts";
import { type CargoRepository, deriveDeliveryProgress, type HandlingEventRepository } from "./cargo.ts";
import type { HandlingEvent, HandlingEventType } from "./itinerary.ts";
import type { LocationRepository, UNLocode } from "./location.ts";
import { settle } from "./settle.ts";
import type { VoyageNumber, VoyageRepository } from "./voyage.ts";

/** Go kit's `handling.Service`. */
export interface HandlingService {
  /** Registers that a cargo was handled (`completed` at `location`, on `voyage` or `""`), then inspects the cargo. */
  registerHandlingEvent(
    ctx: Context,
    incident: { completed: Date | undefined; trackingID: string; voyage: VoyageNumber; location: UNLocode; type: HandlingEventType },
  ): Promise<void>;
}

/** What the stores a handling service needs. */
export interface HandlingStores {
  /** The cargos. */
  readonly cargos: CargoRepository;
  /** The voyages. */
  readonly voyages: VoyageRepository;
  /** The locations. */
  readonly locations: LocationRepository;
  /** The handling events. */
  readonly events: HandlingEventRepository;
}

/**
 * Go kit's inspection service, run after each handling: the cargo's delivery is derived from
 * its history and stored; a misdirected cargo and a cargo unloaded at its destination are
 * logged (Go kit's sample passes a nil handler there).
 */
function inspectCargo(stores: HandlingStores, trackingID: string, logger: Logger): void {
  const c = deriveDeliveryProgress(stores.cargos.find(trackingID), stores.events.history(trackingID));
  if (c.delivery.isMisdirected) logger.log("msg", "cargo misdirected", "tracking_id", trackingID);
  if (c.delivery.isUnloadedAtDestination) logger.log("msg", "cargo arrived", "tracking_id", trackingID);
  stores.cargos.store(c);
}

/**
 * The handling service, Go kit's `handling.NewService` with its event factory's checks: the
 * cargo, the voyage (when given) and the location must exist.
 *
 * @example
 * ```ts
 * await handlingService(stores, logger).registerHandlingEvent(ctx, { completed: new Date(), trackingID: "ABC123", voyage: "", location: "SESTO", type: "Receive" });
 * ```
 */
export function handlingService(stores: HandlingStores, logger: Logger): HandlingService {
  return {
    registerHandlingEvent: (_ctx, incident) =>
      settle(() => {
        const { completed, trackingID, voyage, location, type } = incident;
        if (completed === undefined || trackingID === "" || location === "" || type === "Not Handled") throw invalidArgument();
        stores.cargos.find(trackingID);
        if (voyage !== "") stores.voyages.find(voyage);
        stores.locations.find(location);
        const event: HandlingEvent = { trackingID, activity: { type, location, voyageNumber: voyage }, completed };
        stores.events.store(event);
        inspectCargo(stores, trackingID, logger);
      }),
  };
}
