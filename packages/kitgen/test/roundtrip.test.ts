// Every request and response of the fixtures round-trips through the generated transports'
// codecs, client to server and back (fast-check): HTTP (JSON bodies, path and query
// parameters) and the in-memory broker (JSON messages).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import { MemoryBroker } from "@kit/transport-memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Service } from "../src/model.ts";
import { resolveService } from "../src/resolve-service.ts";
import * as catalogHttp from "./fixtures/catalog/generated/catalog.http.ts";
import * as inventoryHttp from "./fixtures/inventory/generated/inventory.http.ts";
import * as inventoryMemory from "./fixtures/inventory/generated/inventory.memory.ts";
import { arbitraryOf } from "./support/arbitrary.ts";
import { catalogFile, inventoryFile } from "./support/paths.ts";

type AnyEndpoints = Record<string, Endpoint<unknown, unknown>>;

/** Server endpoints that record the request they got and answer what the property chose. */
function echoing(service: Service): { endpoints: AnyEndpoints; exchange: { request?: unknown; response?: unknown } } {
  const exchange: { request?: unknown; response?: unknown } = {};
  const endpoints = Object.fromEntries(
    service.methods.map((m) => [
      m.name,
      (_ctx: unknown, request: unknown) => {
        exchange.request = request;
        return Promise.resolve(exchange.response);
      },
    ]),
  );
  return { endpoints, exchange };
}

/** Runs the property for every method; resolves with the methods checked. */
async function roundTrips(service: Service, client: AnyEndpoints, exchange: { request?: unknown; response?: unknown }): Promise<string[]> {
  const checked: string[] = [];
  for (const m of service.methods) {
    const requests = arbitraryOf({ kind: "object", fields: m.args }, service.named);
    const responses = arbitraryOf(m.result, service.named);
    await fc.assert(
      fc.asyncProperty(requests, responses, async (request, response) => {
        exchange.response = response;
        const [ctx, cancel] = withTimeout(background(), 5_000);
        try {
          const got = await client[m.name]!(ctx, request);
          if (m.result.kind !== "void") expect(got).toEqual(response);
          expect(exchange.request).toEqual(request);
        } finally {
          cancel();
        }
      }),
      { numRuns: 25 },
    );
    checked.push(m.name);
  }
  return checked;
}

const servers: Server[] = [];
async function serve(handler: (req: never, res: never) => void): Promise<string> {
  const server = createServer(handler as Parameters<typeof createServer>[1]);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const inventory = resolveService(inventoryFile);
const catalog = resolveService(catalogFile);
let inventoryUrl = "";
let catalogUrl = "";
const inventoryEcho = echoing(inventory);
const catalogEcho = echoing(catalog);
beforeAll(async () => {
  inventoryUrl = await serve(inventoryHttp.httpHandler(inventoryEcho.endpoints as never));
  catalogUrl = await serve(catalogHttp.httpHandler(catalogEcho.endpoints as never));
});

describe("round trips through the generated transports", () => {
  it("inventory over HTTP", async () => {
    const checked = await roundTrips(inventory, inventoryHttp.httpTransport(inventoryUrl) as unknown as AnyEndpoints, inventoryEcho.exchange);
    expect(checked).toEqual(["getItem", "restock", "placeOrder", "categories", "recordSale"]);
  }, 120_000);

  it("catalog over HTTP (path and query parameters)", async () => {
    const checked = await roundTrips(catalog, catalogHttp.httpTransport(catalogUrl) as unknown as AnyEndpoints, catalogEcho.exchange);
    expect(checked).toEqual(["product", "setPrice", "remove", "search"]);
  }, 120_000);

  it("inventory over the memory broker", async () => {
    const broker = new MemoryBroker();
    const echo = echoing(inventory);
    const subscribers = inventoryMemory.memorySubscribers(broker, echo.endpoints as never);
    try {
      const client = inventoryMemory.memoryTransport(broker) as unknown as AnyEndpoints;
      // An event has no reply: wait for the subscriber before comparing what it got.
      const events: AnyEndpoints = {
        ...client,
        recordSale: async (ctx, request) => {
          await client.recordSale!(ctx, request);
          await broker.idle("inventory.record-sale");
        },
      };
      expect(await roundTrips(inventory, events, echo.exchange)).toHaveLength(5);
    } finally {
      await subscribers.close();
    }
  }, 120_000);
});
