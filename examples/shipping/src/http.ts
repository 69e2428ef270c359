// The HTTP transport of the shipping sample, Go kit's booking, tracking and handling
// MakeHandler, its accessControl (CORS) wrapper and /metrics.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Code, type Context, type Endpoint, type KitError } from "@kit/endpoint";
import type { Logger } from "@kit/log";
import { logErrorHandler } from "@kit/transport";
import { errorStatus, pathValue, readBody, router, server, type Handler } from "@kit/transport-http";
import type { Endpoints } from "./endpoints.ts";
import type { HandlingEventType } from "./itinerary.ts";
import { goJSON, itineraryFrom, objectBody, text, time } from "./wire.ts";

function write(res: ServerResponse, status: number, value: unknown): void {
  const body = goJSON(value);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Go kit's `encodeError` of the three services: `{"error": "<message>"}`, 404 for an unknown
 * cargo, 400 for an invalid argument (and, in Kit, for an unknown location or voyage and a body
 * that does not decode, which Go kit answered 500), otherwise the status of the error's code.
 */
export function encodeError(_ctx: Context, err: KitError, res: ServerResponse): void {
  write(res, err.code === Code.NotFound ? 404 : errorStatus(err), { error: err.message });
}

const eventTypes: ReadonlySet<string> = new Set(["Receive", "Load", "Unload", "Customs", "Claim"]);
const id = (req: IncomingMessage): { id: string } => ({ id: pathValue(req, "id") ?? "" });
const body = async (req: IncomingMessage): Promise<Record<string, unknown>> => objectBody(await readBody(req));

/**
 * Sets Go kit's CORS headers on every answer (`access-control-allow-origin: *`, the methods
 * `GET, POST, OPTIONS`, the headers `Origin, Content-Type`) and answers `OPTIONS` at once, Go
 * kit's `accessControl`.
 */
export function accessControl(next: Handler): Handler {
  return (req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
    res.setHeader("access-control-allow-headers", "Origin, Content-Type");
    if (req.method === "OPTIONS") {
      res.end();
      return;
    }
    next(req, res);
  };
}

/**
 * Every route of the sample behind {@link accessControl}, and `/metrics` (not behind it, as in
 * Go kit):
 *
 * ```
 * POST /booking/v1/cargos                              book a cargo
 * GET  /booking/v1/cargos                              list cargos
 * GET  /booking/v1/cargos/{id}                         load a cargo
 * GET  /booking/v1/cargos/{id}/request_routes          possible routes for a cargo
 * POST /booking/v1/cargos/{id}/assign_to_route         put a cargo on a route
 * POST /booking/v1/cargos/{id}/change_destination      change a cargo's destination
 * GET  /booking/v1/locations                           list locations
 * GET  /tracking/v1/cargos/{id}                        track a cargo
 * POST /handling/v1/incidents                          register a handling event
 * ```
 *
 * @example
 * ```ts
 * http.createServer(makeHandler(makeEndpoints(bs, ts, hs), logger, metricsHandler(registry))).listen(8080);
 * ```
 */
export function makeHandler(e: Endpoints, logger: Logger, metrics: Handler): Handler {
  const options = { errorEncoder: encodeError, errorHandler: logErrorHandler(logger) };
  const serve = <Req>(endpoint: Endpoint<Req, unknown>, decode: (req: IncomingMessage) => Req | Promise<Req>): Handler =>
    server(endpoint, (_ctx, req) => decode(req), (_ctx, answer, res) => { write(res, 200, answer); }, options);
  const routes = router(
    {
      "POST /booking/v1/cargos": serve(e.bookCargo, async (req) => {
        const b = await body(req);
        return { origin: text(b, "origin"), destination: text(b, "destination"), deadline: time(b, "arrival_deadline") };
      }),
      "GET /booking/v1/cargos": serve(e.listCargos, () => undefined),
      "GET /booking/v1/cargos/{id}": serve(e.loadCargo, id),
      "GET /booking/v1/cargos/{id}/request_routes": serve(e.requestRoutes, id),
      "POST /booking/v1/cargos/{id}/assign_to_route": serve(e.assignToRoute, async (req) => ({ ...id(req), itinerary: itineraryFrom(await body(req)) })),
      "POST /booking/v1/cargos/{id}/change_destination": serve(e.changeDestination, async (req) => ({ ...id(req), destination: text(await body(req), "destination") })),
      "GET /booking/v1/locations": serve(e.listLocations, () => undefined),
      "GET /tracking/v1/cargos/{id}": serve(e.trackCargo, id),
      "POST /handling/v1/incidents": serve(e.registerIncident, async (req) => {
        const b = await body(req);
        const type = text(b, "event_type");
        return {
          completed: time(b, "completion_time"),
          trackingID: text(b, "tracking_id"),
          voyage: text(b, "voyage"),
          location: text(b, "location"),
          type: (eventTypes.has(type) ? type : "Not Handled") as HandlingEventType,
        };
      }),
    },
    {
      notFound: (req, res) => { write(res, 404, { error: `no route for ${req.method ?? "?"} ${(req.url ?? "/").split("?")[0] ?? "/"}` }); },
      methodNotAllowed: (req, res) => { write(res, 405, { error: `method ${req.method ?? "?"} not allowed` }); },
    },
  );
  const api = accessControl(routes);
  return (req, res) => {
    if ((req.url ?? "").split("?")[0] === "/metrics") metrics(req, res);
    else api(req, res);
  };
}
