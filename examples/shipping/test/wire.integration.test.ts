// The HTTP wire of Go kit's shipping sample: every route, status and JSON body, through a whole
// cargo journey (book, route, receive, load, unload, claim), with CORS and /metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "./support/app.ts";

let app: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

async function call(method: string, path: string, body?: unknown): Promise<[number, string]> {
  const res = await fetch(`${app.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return [res.status, await res.text()];
}
const json = async (method: string, path: string, body?: unknown): Promise<[number, unknown]> => {
  const [status, text] = await call(method, path, body);
  expect(text.endsWith("\n")).toBe(true);
  return [status, JSON.parse(text)];
};
const track = async (id: string): Promise<Record<string, unknown>> => ((await json("GET", `/tracking/v1/cargos/${id}`))[1] as { cargo: Record<string, unknown> }).cargo;
const incident = (tracking_id: string, event_type: string, location: string, voyage = "") =>
  json("POST", "/handling/v1/incidents", { completion_time: "2026-01-02T10:00:00Z", tracking_id, voyage, location, event_type });

const leg1 = { voyage_number: "0100S", from: "SESTO", to: "CNHKG", load_time: "2026-01-02T00:00:00.000Z", unload_time: "2026-01-03T00:00:00.000Z" };

describe("booking", () => {
  it("lists Go kit's locations and its two seed cargos", async () => {
    expect(await call("GET", "/booking/v1/locations")).toEqual([
      200,
      '{"locations":[{"locode":"SESTO","name":"Stockholm"},{"locode":"AUMEL","name":"Melbourne"},{"locode":"CNHKG","name":"Hongkong"},{"locode":"JNTKO","name":"Tokyo"},{"locode":"NLRTM","name":"Rotterdam"},{"locode":"DEHAM","name":"Hamburg"}]}\n',
    ]);
    expect(await call("GET", "/booking/v1/cargos")).toEqual([
      200,
      '{"cargos":[{"arrival_deadline":"2026-01-08T00:00:00.000Z","destination":"SESTO","misrouted":false,"origin":"AUMEL","routed":false,"tracking_id":"FTL456"},' +
        '{"arrival_deadline":"2026-01-15T00:00:00.000Z","destination":"CNHKG","misrouted":false,"origin":"SESTO","routed":false,"tracking_id":"ABC123"}]}\n',
    ]);
  });

  it("loads a cargo, and answers an unknown one 404", async () => {
    expect(await call("GET", "/booking/v1/cargos/ABC123")).toEqual([
      200,
      '{"cargo":{"arrival_deadline":"2026-01-15T00:00:00.000Z","destination":"CNHKG","misrouted":false,"origin":"SESTO","routed":false,"tracking_id":"ABC123"}}\n',
    ]);
    expect(await call("GET", "/booking/v1/cargos/NOPE")).toEqual([404, '{"error":"unknown cargo"}\n']);
  });

  it("books a cargo with an eight-character tracking id, and refuses one without a deadline", async () => {
    const [status, body] = await json("POST", "/booking/v1/cargos", { origin: "SESTO", destination: "DEHAM", arrival_deadline: "2026-02-01T00:00:00Z" });
    expect([status, body]).toEqual([200, { tracking_id: expect.stringMatching(/^[0-9A-F]{8}$/) as unknown }]);
    expect(await call("POST", "/booking/v1/cargos", { origin: "SESTO", destination: "DEHAM" })).toEqual([400, '{"error":"invalid argument"}\n']);
    expect((await json("POST", "/booking/v1/cargos", { origin: "SESTO", destination: "DEHAM", arrival_deadline: "tomorrow" }))[0]).toBe(400);
  });

  it("asks the routing service for routes, and assigns the cargo to one", async () => {
    const [status, body] = await json("GET", "/booking/v1/cargos/ABC123/request_routes");
    expect(status).toBe(200);
    const routes = (body as { routes: { legs: unknown[] }[] }).routes;
    expect(routes).toHaveLength(3);
    expect(routes[0]).toEqual({ legs: [leg1] });
    expect(await call("GET", "/booking/v1/cargos/NOPE/request_routes")).toEqual([200, "{}\n"]);
    expect(await call("POST", "/booking/v1/cargos/ABC123/assign_to_route", { legs: [] })).toEqual([400, '{"error":"invalid argument"}\n']);
    expect(await call("POST", "/booking/v1/cargos/ABC123/assign_to_route", routes[0])).toEqual([200, "{}\n"]);
    expect((await json("GET", "/booking/v1/cargos/ABC123"))[1]).toMatchObject({ cargo: { routed: true, misrouted: false, legs: [leg1] } });
  });
});

describe("tracking and handling, through a whole journey", () => {
  it("tracks the routed cargo before it is received", async () => {
    expect(await track("ABC123")).toEqual({
      tracking_id: "ABC123",
      status_text: "Not received",
      origin: "SESTO",
      destination: "CNHKG",
      eta: "2026-01-03T00:00:00.000Z",
      next_expected_activity: "Next expected activity is to receive cargo in SESTO.",
      arrival_deadline: "2026-01-15T00:00:00.000Z",
      events: null,
    });
  });

  it("follows each handling: receive, load, unload, claim", async () => {
    expect(await incident("ABC123", "Receive", "SESTO")).toEqual([200, {}]);
    expect(await track("ABC123")).toMatchObject({ status_text: "In port SESTO", next_expected_activity: "Next expected activity is to load cargo onto voyage 0100S in SESTO." });
    expect(await incident("ABC123", "Load", "SESTO", "0100S")).toEqual([200, {}]);
    expect(await track("ABC123")).toMatchObject({ status_text: "Onboard voyage 0100S", next_expected_activity: "Next expected activity is to unload cargo off of voyage 0100S in CNHKG." });
    expect(await incident("ABC123", "Unload", "CNHKG", "0100S")).toEqual([200, {}]);
    expect(await track("ABC123")).toMatchObject({ status_text: "In port CNHKG", next_expected_activity: "Next expected activity is to claim cargo in CNHKG." });
    expect(app.lines).toContainEqual(["component", "inspection", "msg", "cargo arrived", "tracking_id", "ABC123"]);
    expect(await incident("ABC123", "Claim", "CNHKG")).toEqual([200, {}]);
    const claimed = await track("ABC123");
    expect(claimed.status_text).toBe("Claimed");
    expect(claimed.events).toEqual([
      { description: "Received in SESTO, at 2026-01-02T10:00:00Z", expected: true },
      { description: "Loaded onto voyage 0100S in SESTO, at 2026-01-02T10:00:00Z.", expected: true },
      { description: "Unloaded off voyage 0100S in CNHKG, at 2026-01-02T10:00:00Z.", expected: true },
      { description: "Claimed in CNHKG, at 2026-01-02T10:00:00Z.", expected: true },
    ]);
  });

  it("marks a cargo handled off its itinerary as misdirected, with nothing expected next", async () => {
    await call("POST", "/booking/v1/cargos/FTL456/assign_to_route", { legs: [{ ...leg1, voyage_number: "V100", from: "AUMEL", to: "SESTO" }] });
    expect(await incident("FTL456", "Load", "JNTKO", "V300")).toEqual([200, {}]);
    expect(await track("FTL456")).toMatchObject({
      status_text: "Onboard voyage V300",
      next_expected_activity: "There are currently no expected activities for this cargo.",
      eta: "0001-01-01T00:00:00Z",
      events: [{ description: "Loaded onto voyage V300 in JNTKO, at 2026-01-02T10:00:00Z.", expected: false }],
    });
    expect(app.lines).toContainEqual(["component", "inspection", "msg", "cargo misdirected", "tracking_id", "FTL456"]);
  });

  it("refuses bad incidents: 404 for an unknown cargo, 400 for the rest", async () => {
    expect(await incident("NOPE", "Receive", "SESTO")).toEqual([404, { error: "unknown cargo" }]);
    expect(await incident("FTL456", "Dance", "SESTO")).toEqual([400, { error: "invalid argument" }]);
    expect(await incident("FTL456", "Load", "SESTO", "V999")).toEqual([400, { error: "unknown voyage" }]);
    expect(await incident("FTL456", "Receive", "XXXXX")).toEqual([400, { error: "unknown location" }]);
    expect(await call("GET", "/tracking/v1/cargos/NOPE")).toEqual([404, '{"error":"unknown cargo"}\n']);
  });

  it("changes a destination, which misroutes the cargo; an unknown location is refused", async () => {
    expect(await call("POST", "/booking/v1/cargos/ABC123/change_destination", { destination: "NLRTM" })).toEqual([200, "{}\n"]);
    expect((await json("GET", "/booking/v1/cargos/ABC123"))[1]).toMatchObject({ cargo: { destination: "NLRTM", misrouted: true } });
    expect(await call("POST", "/booking/v1/cargos/ABC123/change_destination", { destination: "XXXXX" })).toEqual([400, '{"error":"unknown location"}\n']);
  });
});

describe("around the services", () => {
  it("answers CORS preflights and sets the CORS headers on answers, as Go kit's accessControl", async () => {
    const preflight = await fetch(`${app.url}/booking/v1/cargos`, { method: "OPTIONS" });
    const get = await fetch(`${app.url}/booking/v1/locations`);
    for (const res of [preflight, get]) {
      expect([res.headers.get("access-control-allow-origin"), res.headers.get("access-control-allow-methods"), res.headers.get("access-control-allow-headers")]).toEqual([
        "*",
        "GET, POST, OPTIONS",
        "Origin, Content-Type",
      ]);
    }
    expect([preflight.status, await preflight.text()]).toEqual([200, ""]);
  });

  it("serves Go kit's metric names at /metrics, outside CORS", async () => {
    const res = await fetch(`${app.url}/metrics`);
    const text = await res.text();
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    for (const name of ["api_booking_service_request_count", "api_tracking_service_request_count", "api_handling_service_request_count"]) {
      expect(text).toContain(`# TYPE ${name} counter`);
      expect(text).toContain(`# TYPE ${name.replace("request_count", "request_latency_microseconds")} histogram`);
    }
    expect(text).toMatch(/^api_booking_service_request_count\{method="book"\} 2$/m);
    expect(text).toMatch(/^api_handling_service_request_count\{method="register_incident"\} 9$/m);
  });

  it("answers unknown paths 404 and known paths with another method 405", async () => {
    expect(await call("GET", "/booking/v1/nope")).toEqual([404, '{"error":"no route for GET /booking/v1/nope"}\n']);
    expect(await call("DELETE", "/booking/v1/cargos")).toEqual([405, '{"error":"method DELETE not allowed"}\n']);
  });
});
