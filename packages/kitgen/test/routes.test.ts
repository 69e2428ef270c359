// @http routes of the generated HTTP transport: path parameters of every scalar kind, query
// parameters on GET and DELETE, a body beside path parameters on PUT; the typed client builds
// the same requests a curl user would.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogClient, makeEndpoints } from "./fixtures/catalog/generated/catalog.endpoints.ts";
import { httpHandler, httpTransport } from "./fixtures/catalog/generated/catalog.http.ts";
import { Catalog } from "./fixtures/catalog/impl.ts";
import type { CatalogService } from "./fixtures/catalog/service.ts";

const impl = new Catalog();
let server: Server;
let url: string;
let svc: CatalogService;

beforeAll(async () => {
  server = createServer(httpHandler(makeEndpoints(impl)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  svc = catalogClient(httpTransport(url));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function ctx() {
  return withTimeout(background(), 5_000)[0];
}

describe("@http routes", () => {
  it("maps a GET with a number path parameter and a literal query parameter", async () => {
    const res = await fetch(`${url}products/12?currency=USD`);
    expect(await res.json()).toEqual({ id: 12, name: "hammer", price: 19, currency: "USD" });
    expect(await svc.product(ctx(), 12)).toEqual({ id: 12, name: "hammer", price: 9.5, currency: "EUR" });
    expect(impl.calls.slice(-2)).toEqual([
      ["product", 12, "USD"],
      ["product", 12, undefined],
    ]);
  });

  it("refuses a path or query parameter of the wrong kind, naming it", async () => {
    const word = await fetch(`${url}products/abc`);
    expect([word.status, ((await word.json()) as { message: string }).message]).toEqual([400, "id: expected a number"]);
    const zero = await fetch(`${url}products/0`);
    expect(((await zero.json()) as { message: string }).message).toBe("id: expected at least 1");
    const currency = await fetch(`${url}products/12?currency=GBP`);
    expect(((await currency.json()) as { message: string }).message).toBe('currency: expected "EUR" | "USD"');
    const category = await fetch(`${url}search/food?q=x`);
    expect(((await category.json()) as { message: string }).message).toBe('category: expected "tools" | "toys"');
  });

  it("maps a PUT with a path parameter and a JSON body", async () => {
    expect(await svc.setPrice(ctx(), 13, 3.25, "sale")).toEqual({ id: 13, name: "yo-yo", price: 3.25, currency: "EUR" });
    expect(impl.calls.at(-2)).toEqual(["setPrice", 13, 3.25, "sale"]);
    const res = await fetch(`${url}products/13/price`, { method: "PUT", headers: { "content-type": "application/json" }, body: '{"price":4}' });
    expect(await res.json()).toMatchObject({ price: 4 });
  });

  it("maps a GET with a path parameter and number and boolean query parameters", async () => {
    expect(await svc.search(ctx(), "tools", "m", 1, true)).toEqual([{ id: 12, name: "hammer", price: 9.5, currency: "EUR" }]);
    expect(impl.calls.at(-1)).toEqual(["search", "tools", "m", 1, true]);
    const res = await fetch(`${url}search/toys?q=o&inStock=maybe`);
    expect(((await res.json()) as { message: string }).message).toBe("inStock: expected a boolean");
  });

  it("answers HEAD on a GET route, 405 with allow for another method, 404 for a malformed path encoding", async () => {
    const head = await fetch(`${url}products/12`, { method: "HEAD" });
    expect([head.status, head.headers.get("content-type")]).toEqual([200, "application/json; charset=utf-8"]);
    const post = await fetch(`${url}products/12`, { method: "POST" });
    expect([post.status, post.headers.get("allow"), ((await post.json()) as { code: string }).code]).toEqual([405, "DELETE, GET, HEAD", "unimplemented"]);
    const malformed = await fetch(`${url}products/%zz`);
    expect([malformed.status, await malformed.json()]).toEqual([404, { code: "not_found", message: "no route for GET /products/%zz" }]);
  });

  it("refuses a body that is not JSON 415, and one that is not an object 400", async () => {
    const put = (body: string, type: string) => fetch(`${url}products/13/price`, { method: "PUT", headers: { "content-type": type }, body });
    const text = await put('{"price":4}', "text/plain");
    expect([text.status, ((await text.json()) as { message: string }).message]).toEqual([415, 'unsupported content-type "text/plain": want application/json']);
    const list = await put("[4]", "application/json");
    expect([list.status, ((await list.json()) as { message: string }).message]).toEqual([400, "expected a JSON object"]);
  });

  it("maps a DELETE to 204 and errors back to their codes", async () => {
    await svc.remove(ctx(), 13, true);
    expect(impl.calls.at(-1)).toEqual(["remove", 13, true]);
    await expect(svc.product(ctx(), 13)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound && err.message === "no product 13");
  });
});
