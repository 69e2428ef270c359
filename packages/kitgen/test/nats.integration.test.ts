// The generated NATS transport against the real broker (127.0.0.1:4222): every method over
// request/reply, an event, error codes, and a poison message answered invalid_argument.
import { randomUUID } from "node:crypto";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
import { Svcm } from "@nats-io/services";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryClient, makeEndpoints, inventoryMethods } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { inventoryNatsNames, natsService, natsSubscribers, natsTransport, type NatsOptions } from "./fixtures/inventory/generated/inventory.nats.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";
import type { InventoryService } from "./fixtures/inventory/service.ts";

const run = randomUUID().slice(0, 8);
const options: NatsOptions = { names: Object.fromEntries(inventoryMethods.map((m) => [m, `test-${run}.${inventoryNatsNames[m]}`])) };
const impl = new Inventory();
let nc: NatsConnection;
let subscribers: { close(): Promise<void> };
let svc: InventoryService;

beforeAll(async () => {
  nc = await connect({ servers: "127.0.0.1:4222" });
  const subs = natsSubscribers(nc, makeEndpoints(impl), { ...options, subscriber: { queue: "inventory" } });
  await subs.ready;
  subscribers = subs;
  svc = inventoryClient(natsTransport(nc, options));
});
afterAll(async () => {
  await subscribers.close();
  await nc.close();
});

function ctx() {
  return withTimeout(background(), 5_000)[0];
}

describe("generated NATS transport", () => {
  it("calls every method through a client that implements the interface", async () => {
    expect(await svc.getItem(ctx(), "ABC-001", true)).toMatchObject({ sku: "ABC-001", attributes: { verbose: "yes" } });
    expect(await svc.restock(ctx(), "ABC-001", 7)).toEqual({ sku: "ABC-001", quantity: 10, status: "ok" });
    expect(await svc.categories(ctx())).toMatchObject({ name: "all" });
    await svc.recordSale(ctx(), "ABC-001", 99);
    await expect.poll(() => impl.sales).toContainEqual({ sku: "ABC-001", at: 99 });
  });

  it("keeps error codes, and answers a request that fails validation invalid_argument naming the field", async () => {
    await expect(svc.restock(ctx(), "NOP-000", 1)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
    const reply = await nc.request(`test-${run}.inventory.restock`, JSON.stringify({ sku: "ABC-001", quantity: "lots" }), { timeout: 5_000 });
    expect(reply.headers?.get("kit-error-code")).toBe("invalid_argument");
    expect(reply.headers?.get("kit-error-message")).toBe("quantity: expected a number");
  });
});

describe("generated NATS service", () => {
  it("serves every method as an endpoint of a NATS service that $SRV.INFO lists, answering errors with its headers", async () => {
    const names = Object.fromEntries(inventoryMethods.map((m) => [m, `test-${run}.svc.${inventoryNatsNames[m]}`]));
    const service = await new Svcm(nc).add({ name: `inventory_${run}`, version: "1.0.0", queue: "inventory" });
    const served = natsService(nc, service, makeEndpoints(new Inventory()), { names, subscriber: (method) => (method === "getItem" ? { queue: "readers" } : {}) });
    try {
      await served.ready;
      const client = inventoryClient(natsTransport(nc, { names }));
      expect(await client.restock(ctx(), "ABC-001", 7)).toEqual({ sku: "ABC-001", quantity: 10, status: "ok" });
      const info = (await nc.request(`$SRV.INFO.inventory_${run}.${service.info().id}`, undefined, { timeout: 5_000 })).json<{ endpoints: unknown[] }>();
      expect(info.endpoints).toEqual(
        inventoryMethods.map((m): unknown => expect.objectContaining({ name: m, subject: names[m], queue_group: m === "getItem" ? "readers" : "inventory" })),
      );
      const refused = await nc.request(names.restock!, JSON.stringify({ sku: "NOP-000", quantity: 1 }), { timeout: 5_000 });
      expect(refused.headers?.get("kit-error-code")).toBe("not_found");
      expect(refused.headers?.get("Nats-Service-Error-Code")).toBe("404");
    } finally {
      await service.stop();
      await served.close();
    }
  });
});
