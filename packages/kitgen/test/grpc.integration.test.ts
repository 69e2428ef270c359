// The generated gRPC transport over real gRPC on 127.0.0.1: every method of the inventory
// fixture through a client that implements the interface, error codes, a request the server's
// validator refuses (invalid_argument naming the field), a message that does not decode, and
// every type of the shapes fixture round-tripping client to server and back (fast-check).
import * as grpc from "@grpc/grpc-js";
import { background, Code, isKitError, withTimeout, type Context } from "@kit/endpoint";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryClient, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { grpcServe, grpcTransport, inventoryServiceDefinition } from "./fixtures/inventory/generated/inventory.grpc.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";
import type { InventoryService } from "./fixtures/inventory/service.ts";
import { makeEndpoints as makeShapesEndpoints, shapesClient } from "./fixtures/shapes/generated/shapes.endpoints.ts";
import * as shapesGrpc from "./fixtures/shapes/generated/shapes.grpc.ts";
import type { Everything, Point, ShapesService } from "./fixtures/shapes/service.ts";
import { resolveService } from "../src/resolve-service.ts";
import { arbitraryOf } from "./support/arbitrary.ts";
import { shapesFile } from "./support/paths.ts";

const impl = new Inventory();
const pinged: string[] = [];
const shapes: ShapesService = {
  echo: (_ctx: Context, everything: Everything) => Promise.resolve(everything),
  count: (_ctx: Context, n: number) => Promise.resolve(n),
  find: (_ctx: Context, name: string): Promise<Point | null> => Promise.resolve(name === "origin" ? { x: 0, y: 0 } : null),
  names: () => Promise.resolve(["a", "b"]),
  ping: (_ctx: Context, from: string) => {
    pinged.push(from);
    return Promise.resolve();
  },
};
const errors: string[] = [];
const server = new grpc.Server();
let conn: grpc.Client;
let svc: InventoryService;
let shapesSvc: ShapesService;

beforeAll(async () => {
  const errorHandler = { handle: (_ctx: Context, err: Error) => void errors.push(err.message) };
  grpcServe(server, makeEndpoints(impl), { errorHandler });
  shapesGrpc.grpcServe(server, makeShapesEndpoints(shapes), { errorHandler });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) resolve(bound);
      else reject(err);
    });
  });
  conn = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  svc = inventoryClient(grpcTransport(conn));
  shapesSvc = shapesClient(shapesGrpc.grpcTransport(conn));
});
afterAll(() => {
  conn.close();
  server.forceShutdown();
});

function ctx(): Context {
  return withTimeout(background(), 5_000)[0];
}

describe("generated gRPC transport", () => {
  it("calls every method through a client that implements the interface", async () => {
    expect(await svc.getItem(ctx(), "ABC-001", true)).toMatchObject({ sku: "ABC-001", name: "widget", attributes: { verbose: "yes" }, location: null });
    expect(await svc.getItem(ctx(), "ZZZ-999")).toBeNull();
    expect(await svc.restock(ctx(), "ABC-001", 7, { warehouse: "south", shelf: "A1" })).toMatchObject({ sku: "ABC-001", status: "ok" });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 2 }, { sku: "ABC-002", quantity: 3 }], null)).toEqual({ id: "order-2", total: 5 });
    expect(await svc.categories(ctx())).toMatchObject({ name: "all" });
    await svc.recordSale(ctx(), "ABC-001", -1_700_000_000_000);
    expect(impl.sales).toContainEqual({ sku: "ABC-001", at: -1_700_000_000_000 });
    expect(Object.keys(inventoryServiceDefinition)).toEqual(["GetItem", "Restock", "PlaceOrder", "Categories", "RecordSale"]);
  });

  it("keeps error codes, and refuses on the client a request the validator rejects, naming the field", async () => {
    await expect(svc.restock(ctx(), "NOP-000", 1)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
    await expect(svc.restock(ctx(), "ABC-001", 0)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.InvalidArgument && err.message === "quantity: expected at least 1");
    await expect(svc.getItem(ctx(), "lowercase")).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.InvalidArgument && err.message.startsWith("sku: expected to match"));
    expect(errors).toEqual(["no item NOP-000"]); // the two refused requests were never sent
  });

  it("answers a request its validator rejects invalid_argument naming the field, from a client that does not check", async () => {
    const rpc = inventoryServiceDefinition.Restock;
    const reply = await new Promise<grpc.ServiceError | null>((resolve) => {
      conn.makeUnaryRequest(rpc.path, rpc.requestSerialize, rpc.responseDeserialize, { sku: "ABC-001", quantity: 0 }, (err) => {
        resolve(err);
      });
    });
    expect([reply?.code, reply?.details]).toEqual([grpc.status.INVALID_ARGUMENT, "quantity: expected at least 1"]);
    expect(errors).toContain("quantity: expected at least 1");
  });

  it("answers a message that does not decode invalid_argument", async () => {
    const raw = { ...inventoryServiceDefinition.GetItem, requestSerialize: () => Buffer.from([0x0a, 0x05, 0x41]) }; // a 5-byte string with 1 byte
    const reply = await new Promise<grpc.ServiceError | null>((resolve) => {
      conn.makeUnaryRequest(raw.path, raw.requestSerialize, raw.responseDeserialize, {}, (err) => {
        resolve(err);
      });
    });
    expect(reply?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(reply?.details).toContain("truncated message");
  });

  it("round-trips every type of the shapes fixture, client to server and back", async () => {
    const service = resolveService(shapesFile);
    const everything = service.methods.find((m) => m.name === "echo")!.args[0]!.type;
    await fc.assert(
      fc.asyncProperty(arbitraryOf(everything, service.named), async (value) => {
        expect(await shapesSvc.echo(ctx(), value as Everything)).toEqual(value);
      }),
      { numRuns: 40 },
    );
    expect(await shapesSvc.count(ctx(), Number.MIN_SAFE_INTEGER)).toBe(Number.MIN_SAFE_INTEGER);
    expect(await shapesSvc.find(ctx(), "origin")).toEqual({ x: 0, y: 0 });
    expect(await shapesSvc.find(ctx(), "nowhere")).toBeNull();
    expect(await shapesSvc.names(ctx())).toEqual(["a", "b"]);
    await shapesSvc.ping(ctx(), "test");
    expect(pinged).toEqual(["test"]);
    await expect(shapesSvc.ping(ctx(), "")).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.InvalidArgument && err.message === "from: expected at least 1 characters");
  });
});
