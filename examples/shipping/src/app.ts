// The wiring of the shipping sample, Go kit's main.go without its flags: repositories, the
// seed cargos, the three services with their logging and instrumenting middleware, the routing
// client and the HTTP handler.
import * as log from "@kit/log";
import { metricsHandler, prometheus } from "@kit/metrics-prometheus";
import { bookingService } from "./booking.ts";
import { cargoRepository, handlingEventRepository, newCargo } from "./cargo.ts";
import { makeEndpoints } from "./endpoints.ts";
import { handlingService } from "./handling.ts";
import { makeHandler } from "./http.ts";
import { locationRepository } from "./location.ts";
import { bookingMethods, handlingMethods, trackingMethods } from "./methods.ts";
import { instrumentingMiddleware, loggingMiddleware, serviceMetrics } from "./middleware.ts";
import { proxyingRoutingService } from "./routing.ts";
import type { Handler } from "@kit/transport-http";
import { trackingService } from "./tracking.ts";
import { voyageRepository } from "./voyage.ts";

/** What {@link shippingApp} needs. */
export interface AppOptions {
  /** The pathfinder's URL, Go kit's `-service.routing`. */
  readonly routingURL: string;
  /** Where the services and the transport log. */
  readonly logger: log.Logger;
  /** The time the seed cargos' deadlines count from; default now. */
  readonly now?: number;
}

/**
 * The whole sample as one HTTP handler, with Go kit's two seed cargos: `FTL456` (Melbourne →
 * Stockholm, due in 7 days) and `ABC123` (Stockholm → Hongkong, due in 14 days).
 *
 * @example
 * ```ts
 * const app = shippingApp({ routingURL: "http://127.0.0.1:7878", logger });
 * http.createServer(app.handler).listen(8080);
 * ```
 */
export function shippingApp(options: AppOptions): { handler: Handler; close(): void } {
  const { logger } = options;
  const now = options.now ?? Date.now();
  const cargos = cargoRepository();
  const locations = locationRepository();
  const events = handlingEventRepository();
  cargos.store(newCargo("FTL456", { origin: "AUMEL", destination: "SESTO", arrivalDeadline: new Date(now + 7 * 86_400_000) }));
  cargos.store(newCargo("ABC123", { origin: "SESTO", destination: "CNHKG", arrivalDeadline: new Date(now + 14 * 86_400_000) }));

  const metrics = prometheus();
  const routing = proxyingRoutingService(options.routingURL, log.with(logger, "component", "routing"));

  let bs = bookingService(cargos, locations, routing);
  bs = loggingMiddleware(log.with(logger, "component", "booking"), bookingMethods)(bs);
  bs = instrumentingMiddleware(serviceMetrics(metrics, "booking_service"), bookingMethods)(bs);

  let ts = trackingService(cargos, events);
  ts = loggingMiddleware(log.with(logger, "component", "tracking"), trackingMethods)(ts);
  ts = instrumentingMiddleware(serviceMetrics(metrics, "tracking_service"), trackingMethods)(ts);

  let hs = handlingService({ cargos, locations, events, voyages: voyageRepository() }, log.with(logger, "component", "inspection"));
  hs = loggingMiddleware(log.with(logger, "component", "handling"), handlingMethods)(hs);
  hs = instrumentingMiddleware(serviceMetrics(metrics, "handling_service"), handlingMethods)(hs);

  const handler = makeHandler(makeEndpoints(bs, ts, hs), log.with(logger, "component", "http"), metricsHandler(metrics.registry));
  return { handler, close: () => { routing.close(); } };
}
