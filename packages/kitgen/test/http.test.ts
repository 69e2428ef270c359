// The generated HTTP server and client, over a real node:http server: a typed client that
// implements the interface, routes, validation errors naming the field, Kit error codes.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryClient, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { httpHandler, httpTransport } from "./fixtures/inventory/generated/inventory.http.ts";
import { withMiddleware } from "./fixtures/inventory/generated/inventory.middleware.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";
import type { InventoryService } from "./fixtures/inventory/service.ts";

const impl = new Inventory();
const logs: unknown[][] = [];
const metrics = memory();
let server: Server;
let url: string;
let svc: InventoryService;

beforeAll(async () => {
  const endpoints = withMiddleware(makeEndpoints(impl), { logger: { log: (...kv) => logs.push(kv) }, metrics });
  server = createServer(httpHandler(endpoints));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  svc = inventoryClient(httpTransport(url));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function ctx() {
  return withTimeout(background(), 5_000)[0];
}

const json = { "content-type": "application/json" };

async function codeOf(call: Promise<unknown>): Promise<[string, string]> {
  try {
    await call;
  } catch (err) {
    if (isKitError(err)) return [err.code, err.message];
    throw err;
  }
  throw new Error("resolved");
}

describe("generated HTTP transport", () => {
  it("calls every method through a client that implements the interface", async () => {
    expect(await svc.getItem(ctx(), "ABC-001")).toMatchObject({ sku: "ABC-001", quantity: 3 });
    expect(await svc.getItem(ctx(), "ABC-001", true)).toMatchObject({ attributes: { verbose: "yes" } });
    expect(await svc.getItem(ctx(), "XYZ-999")).toBeNull();
    expect(await svc.restock(ctx(), "ABC-001", 2, { warehouse: "north", shelf: "A1" })).toEqual({ sku: "ABC-001", quantity: 5, status: "ok" });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 2 }, { sku: "ABC-002", quantity: 1 }], null)).toEqual({ id: "order-2", total: 3 });
    expect(await svc.categories(ctx())).toEqual({ name: "all", children: [{ name: "tools", children: [] }] });
    await svc.recordSale(ctx(), "ABC-001", 1_700_000_000_000);
    expect(impl.sales).toEqual([{ sku: "ABC-001", at: 1_700_000_000_000 }]);
  });

  it("serves the default POST /<kebab-name> routes and the @http GET route with path and query parameters", async () => {
    const got = await fetch(`${url}/items/ABC-001?verbose=true`);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ sku: "ABC-001", attributes: { verbose: "yes" } });
    const posted = await fetch(`${url}/place-order`, { method: "POST", headers: json, body: JSON.stringify({ lines: [], note: "x" }) });
    expect(await posted.json()).toEqual({ id: "order-0", total: 0 });
    const event = await fetch(`${url}/record-sale`, { method: "POST", headers: json, body: JSON.stringify({ sku: "ABC-001", at: 1 }) });
    expect(event.status).toBe(204);
  });

  it("answers bad input 400 invalid_argument naming the field path", async () => {
    const lines = [{ sku: "ABC-001", quantity: 1 }, { sku: "ABC-001", quantity: 1 }, { sku: "ABC-001", quantity: 1.5 }];
    const res = await fetch(`${url}/place-order`, { method: "POST", headers: json, body: JSON.stringify({ lines, note: null }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_argument", message: "lines[2].quantity: expected an integer" });
    const path = await fetch(`${url}/items/abc`);
    expect(path.status).toBe(400);
    expect(await path.json()).toMatchObject({ message: "sku: expected to match /^[A-Z]{3}-\\d{3}$/u" });
    const garbage = await fetch(`${url}/restock`, { method: "POST", headers: json, body: "{not json" });
    expect(garbage.status).toBe(400);
    expect(await codeOf(svc.restock(ctx(), "ABC-001", 0))).toEqual([Code.InvalidArgument, "quantity: expected at least 1"]);
  });

  it("keeps Kit's error codes across the wire, and hides a bug's message", async () => {
    expect(await codeOf(svc.restock(ctx(), "NOP-000", 1))).toEqual([Code.NotFound, "no item NOP-000"]);
    const [code, message] = await codeOf(svc.placeOrder(ctx(), [], "boom"));
    expect([code, message]).toEqual([Code.Internal, "internal error"]);
  });

  it("answers an unknown route 404 not_found, and another method on a route's path 405 with allow", async () => {
    const res = await fetch(`${url}/nope`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
    const get = await fetch(`${url}/restock`); // GET on a POST route
    expect([get.status, get.headers.get("allow"), await get.json()]).toEqual([405, "POST", { code: "unimplemented", message: "method GET is not allowed on /restock" }]);
  });

  it("logs and counts every call by its method's name", () => {
    expect(logs.some((kv) => kv[0] === "method" && kv[1] === "restock" && kv[3] === null)).toBe(true);
    expect(logs.some((kv) => kv[1] === "restock" && isKitError(kv[3]))).toBe(true);
    expect(metrics.value("requests_total", { endpoint: "getItem", code: "ok" })).toBeGreaterThanOrEqual(3);
    expect(metrics.value("requests_total", { endpoint: "restock", code: "not_found" })).toBe(1);
  });
});
