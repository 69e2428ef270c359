// The generated JSON-RPC 2.0 server and client over a real node:http server on 127.0.0.1: a typed
// client that implements the interface, params checked by the validators (-32602 naming the
// field), unknown methods, notifications for `void` methods, Kit codes both ways, batches, and
// the options (names, decoders). Go kit's wire (`@resultField`, `@jsonCaseInsensitive`) on the
// gowire fixture.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, isKitError, withTimeout, type Context, type KitError } from "@kit/endpoint";
import { batch, call } from "@kit/transport-jsonrpc";
import { afterEach, describe, expect, it } from "vitest";
import { adderClient, makeEndpoints as makeAdderEndpoints } from "./fixtures/gowire/generated/adder.endpoints.ts";
import { jsonRpcHandler as adderHandler, jsonRpcTransport as adderTransport } from "./fixtures/gowire/generated/adder.jsonrpc.ts";
import { Adder } from "./fixtures/gowire/service.ts";
import { inventoryClient, makeEndpoints, type InventoryEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import {
  inventoryJsonRpcNames,
  jsonRpcClientMethods,
  jsonRpcHandler,
  jsonRpcMethodTable,
  jsonRpcTransport,
  type JsonRpcHandlerOptions,
} from "./fixtures/inventory/generated/inventory.jsonrpc.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/rpc`;
}

/** Serves a fresh inventory; `errors` collects what the server's error handler saw. */
async function serve(options: JsonRpcHandlerOptions = {}, endpoints?: InventoryEndpoints): Promise<{ url: string; impl: Inventory; errors: KitError[] }> {
  const impl = new Inventory();
  const errors: KitError[] = [];
  const url = await listen(jsonRpcHandler(endpoints ?? makeEndpoints(impl), { errorHandler: { handle: (_ctx, err) => void errors.push(err) }, ...options }));
  return { url, impl, errors };
}

function ctx(): Context {
  return withTimeout(background(), 5_000)[0];
}

/** Posts a JSON-RPC body as it is: the HTTP status and the parsed answer. */
async function post(url: string, body: unknown): Promise<[number, unknown]> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  return [res.status, text === "" ? undefined : JSON.parse(text)];
}

async function codeOf(pending: Promise<unknown>): Promise<[string, string]> {
  try {
    await pending;
  } catch (err) {
    if (isKitError(err)) return [err.code, err.message];
    throw err;
  }
  throw new Error("resolved");
}

/** A batch call's error as [code, message]; `undefined` when it succeeded. */
function failure(settled: PromiseSettledResult<unknown>): [string, string] | undefined {
  if (settled.status === "fulfilled") return undefined;
  const reason: unknown = settled.reason;
  return isKitError(reason) ? [reason.code, reason.message] : ["not a KitError", String(reason)];
}

describe("generated JSON-RPC transport", () => {
  it("calls every method through a client that implements the interface", async () => {
    const { url, impl } = await serve();
    const svc = inventoryClient(jsonRpcTransport(url));
    expect(await svc.getItem(ctx(), "ABC-001")).toMatchObject({ sku: "ABC-001", quantity: 3 });
    expect(await svc.getItem(ctx(), "ABC-001", true)).toMatchObject({ attributes: { verbose: "yes" } });
    expect(await svc.getItem(ctx(), "XYZ-999")).toBeNull();
    expect(await svc.restock(ctx(), "ABC-001", 2, { warehouse: "north", shelf: "A1" })).toEqual({ sku: "ABC-001", quantity: 5, status: "ok" });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 2 }], null)).toEqual({ id: "order-1", total: 2 });
    expect(await svc.categories(ctx())).toEqual({ name: "all", children: [{ name: "tools", children: [] }] });
    await svc.recordSale(ctx(), "ABC-001", 1_700_000_000_000);
    expect(impl.sales).toEqual([{ sku: "ABC-001", at: 1_700_000_000_000 }]);
  });

  it("names each method <service>.<method>, and takes params by name, by position, or none", async () => {
    const { url } = await serve();
    expect(inventoryJsonRpcNames).toMatchObject({ getItem: "inventory.getItem", recordSale: "inventory.recordSale" });
    expect(await post(url, { jsonrpc: "2.0", method: "inventory.getItem", params: { sku: "ABC-001" }, id: 1 })).toMatchObject([200, { result: { name: "widget" }, id: 1 }]);
    expect(await post(url, { jsonrpc: "2.0", method: "inventory.restock", params: ["ABC-001", 4], id: "r" })).toEqual([
      200,
      { jsonrpc: "2.0", result: { sku: "ABC-001", quantity: 7, status: "ok" }, id: "r" },
    ]);
    expect(await post(url, { jsonrpc: "2.0", method: "inventory.categories", id: 2 })).toMatchObject([200, { result: { name: "all" } }]);
  });

  it("answers params the validator refuses -32602 invalid_argument naming the field, on the server and through the client", async () => {
    const { url } = await serve();
    const lines = [{ sku: "ABC-001", quantity: 1 }, { sku: "ABC-001", quantity: 1.5 }];
    expect(await post(url, { jsonrpc: "2.0", method: "inventory.placeOrder", params: { lines, note: null }, id: 1 })).toEqual([
      200,
      {
        jsonrpc: "2.0",
        error: { code: -32602, message: "lines[1].quantity: expected an integer", data: { code: "invalid_argument", details: { issues: [{ path: ["lines", 1, "quantity"], message: "expected an integer" }] } } },
        id: 1,
      },
    ]);
    const [, missing] = await post(url, { jsonrpc: "2.0", method: "inventory.restock", id: 2 });
    expect(missing).toMatchObject({ error: { code: -32602, message: "sku: required; quantity: required" } });
    const [, tooMany] = await post(url, { jsonrpc: "2.0", method: "inventory.recordSale", params: ["ABC-001", 1, 2], id: 3 });
    expect(tooMany).toMatchObject({ error: { code: -32602, message: "expected at most 2 params (sku, at), got 3" } });
    const svc = inventoryClient(jsonRpcTransport(url));
    expect(await codeOf(svc.restock(ctx(), "ABC-001", 0))).toEqual([Code.InvalidArgument, "quantity: expected at least 1"]);
  });

  it("answers an unknown method -32601, which a client gets as unimplemented", async () => {
    const { url } = await serve();
    expect(await post(url, { jsonrpc: "2.0", method: "inventory.nope", id: 9 })).toEqual([
      200,
      { jsonrpc: "2.0", error: { code: -32601, message: 'method not found: "inventory.nope"' }, id: 9 },
    ]);
    const renamed = inventoryClient(jsonRpcTransport(url, { names: { categories: "inventory.tree" } }));
    expect(await codeOf(renamed.categories(ctx()))).toEqual([Code.Unimplemented, 'method not found: "inventory.tree"']);
  });

  it("sends a void method as a notification: run, answered 204, its errors only for the server's error handler", async () => {
    const { url, impl, errors } = await serve();
    const sent: unknown[] = [];
    const spy: typeof fetch = async (input, init) => {
      sent.push(JSON.parse(init?.body as string));
      return fetch(input, init);
    };
    const svc = inventoryClient(jsonRpcTransport(url, { fetch: spy }));
    await svc.recordSale(ctx(), "ABC-001", 7);
    expect(sent).toEqual([{ jsonrpc: "2.0", method: "inventory.recordSale", params: { sku: "ABC-001", at: 7 } }]);
    expect(impl.sales).toEqual([{ sku: "ABC-001", at: 7 }]);
    await svc.recordSale(ctx(), "bad", 8); // refused by the validator, and nobody is told but the server
    expect(errors.map((e) => [e.code, e.message])).toEqual([[Code.InvalidArgument, "sku: expected to match /^[A-Z]{3}-\\d{3}$/u"]]);
    expect(await post(url, { jsonrpc: "2.0", method: "inventory.recordSale", params: { sku: "ABC-002", at: 9 } })).toEqual([204, undefined]);
    expect(impl.sales).toHaveLength(2);
  });

  it("keeps Kit's error codes across the wire both ways, and hides a bug's message", async () => {
    const { url, errors } = await serve();
    const [, notFound] = await post(url, { jsonrpc: "2.0", method: "inventory.restock", params: { sku: "NOP-000", quantity: 1 }, id: 1 });
    expect(notFound).toEqual({ jsonrpc: "2.0", error: { code: -32005, message: "no item NOP-000", data: { code: "not_found" } }, id: 1 });
    const svc = inventoryClient(jsonRpcTransport(url));
    expect(await codeOf(svc.restock(ctx(), "NOP-000", 1))).toEqual([Code.NotFound, "no item NOP-000"]);
    expect(await codeOf(svc.placeOrder(ctx(), [], "boom"))).toEqual([Code.Internal, "internal error"]);
    expect(errors.some((e) => e.message.includes("a bug with a secret"))).toBe(true);
  });

  it("sends several calls in one batch with the generated methods, each settled on its own", async () => {
    const { url } = await serve();
    const methods = jsonRpcClientMethods();
    const [item, refused, missing, sale] = await batch(url)(ctx(), [
      call(methods.getItem, { sku: "ABC-001" }),
      call(methods.restock, { sku: "ABC-001", quantity: 0 }),
      call(methods.restock, { sku: "NOP-000", quantity: 1 }),
      call(methods.recordSale, { sku: "ABC-001", at: 1 }),
    ]);
    expect(item).toMatchObject({ status: "fulfilled", value: { name: "widget" } });
    expect(failure(refused)).toEqual([Code.InvalidArgument, "quantity: expected at least 1"]);
    expect(failure(missing)).toEqual([Code.NotFound, "no item NOP-000"]);
    expect(sale).toEqual({ status: "fulfilled", value: undefined });
  });

  it("takes method names and a method's own params decoder on the server, and its own result decoder on the client", async () => {
    const names = { getItem: "get", recordSale: "sale" };
    const upper = (_ctx: Context, params: unknown) => ({ sku: String(Array.isArray(params) ? params[0] : (params as { sku: unknown }).sku).toUpperCase() });
    const { url } = await serve({ names, decoders: { getItem: upper } });
    expect(await post(url, { jsonrpc: "2.0", method: "get", params: ["abc-001"], id: 1 })).toMatchObject([200, { result: { sku: "ABC-001" } }]);
    const renamed = (_ctx: Context, result: unknown) => ({ ...(result as object), name: "renamed" }) as never;
    const svc = inventoryClient(jsonRpcTransport(url, { names, decoders: { getItem: renamed } }));
    expect(await svc.getItem(ctx(), "abc-001")).toMatchObject({ sku: "ABC-001", name: "renamed" });
    expect(await codeOf(inventoryClient(jsonRpcTransport(url)).getItem(ctx(), "ABC-001"))).toEqual([Code.Unimplemented, 'method not found: "inventory.getItem"']);
  });

  it("gives a result that fails its validator as internal, naming the method and the field", async () => {
    const endpoints = { ...makeEndpoints(new Inventory()), categories: () => Promise.resolve({ name: 7, children: [] } as never) };
    const { url } = await serve({}, endpoints);
    expect(await codeOf(inventoryClient(jsonRpcTransport(url)).categories(ctx()))).toEqual([Code.Internal, "invalid result of inventory.categories: name: expected a string"]);
  });

  it("refuses two methods under one JSON-RPC name", () => {
    expect(() => jsonRpcMethodTable(makeEndpoints(new Inventory()), { names: { getItem: "x", restock: "x" } })).toThrow(
      'two methods are served as the JSON-RPC method "x": give each its own name',
    );
  });
});

describe("generated JSON-RPC transport on Go kit's wire", () => {
  it("carries a result that is not an object in its @resultField and matches keys whatever their case", async () => {
    const url = await listen(adderHandler(makeAdderEndpoints(new Adder()), { names: { sum: "sum" }, errorHandler: { handle: () => undefined } }));
    expect(await post(url, { jsonrpc: "2.0", method: "sum", params: { A: 1, B: 2 }, id: 1 })).toEqual([200, { jsonrpc: "2.0", result: { v: 3 }, id: 1 }]);
    expect(await post(url, { jsonrpc: "2.0", method: "adder.negate", params: { flag: true }, id: 2 })).toEqual([200, { jsonrpc: "2.0", result: { out: null }, id: 2 }]);
    const adder = adderClient(adderTransport(url, { names: { sum: "sum" } }));
    expect(await adder.sum(ctx(), 20, 22)).toBe(42);
    expect(await adder.negate(ctx(), false)).toBe(true);
    expect(await adder.clock(ctx(), "UTC")).toEqual({ hour: 9, zone: "UTC" });
    expect(await codeOf(adder.sum(ctx(), 0, 0))).toEqual([Code.InvalidArgument, "can't sum two zeroes"]);
  });
});
