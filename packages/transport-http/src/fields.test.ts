import type { Endpoint } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { closeAll, listen } from "../test/support/listen.ts";
import { encodeJSON } from "./codec.ts";
import { decodeFields } from "./fields.ts";
import { router } from "./router.ts";
import { server } from "./server.ts";

afterEach(closeAll);

const echo: Endpoint<unknown, unknown> = (_ctx, request) => Promise.resolve(request);
const SetPrice = z.object({ id: z.number(), price: z.number(), note: z.string().optional() });

async function serveRoutes(maxBodyBytes?: number): Promise<string> {
  const options = { errorHandler: { handle: () => undefined }, ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }) };
  const { url } = await listen(
    router({
      "PUT /products/{id}/price": server(echo, decodeFields(SetPrice, { path: { id: "number" }, query: { note: "string" }, body: true }), encodeJSON, options),
      "GET /search/{category}": server(
        echo,
        decodeFields(undefined, { path: { category: "string" }, query: { limit: "number", inStock: "boolean", q: "string" } }),
        encodeJSON,
        options,
      ),
    }),
  );
  return url;
}

async function call(url: string, init?: RequestInit): Promise<[number, unknown]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000), ...init });
  return [res.status, await res.json()];
}

const put = (body: string, type = "application/json"): RequestInit => ({ method: "PUT", body, headers: { "content-type": type } });

describe("decodeFields", () => {
  it("reads the body's object, with path values and query parameters over it, as their kinds say", async () => {
    const url = await serveRoutes();
    expect(await call(`${url}/products/7/price?note=sale`, put('{"price":3,"id":1}'))).toEqual([200, { id: 7, price: 3, note: "sale" }]);
    expect(await call(`${url}/search/tea%20pots?limit=10&inStock=true&q=a%26b`)).toEqual([200, { category: "tea pots", limit: 10, inStock: true, q: "a&b" }]);
    expect(await call(`${url}/search/x?limit=&inStock=yes`)).toEqual([200, { category: "x", limit: "", inStock: "yes" }]);
    expect(await call(`${url}/search/x?q=%zz`)).toEqual([200, { category: "x", q: "%zz" }]);
  });

  it("answers a field the schema refuses 400, naming the field", async () => {
    const url = await serveRoutes();
    expect(await call(`${url}/products/seven/price`, put('{"price":3}'))).toEqual([400, expect.objectContaining({ code: "invalid_argument", message: expect.stringMatching(/^id: /) as unknown })]);
    expect(await call(`${url}/products/7/price`, put('{"price":"3"}'))).toEqual([400, expect.objectContaining({ message: expect.stringMatching(/^price: /) as unknown })]);
  });

  it("refuses a body that is not a JSON object 400, a content-type that is not JSON 415, a body over the limit 413", async () => {
    const url = await serveRoutes(64);
    expect(await call(`${url}/products/7/price`, put("[1,2]"))).toEqual([400, { code: "invalid_argument", message: "expected a JSON object" }]);
    expect(await call(`${url}/products/7/price`, put("null"))).toEqual([400, { code: "invalid_argument", message: "expected a JSON object" }]);
    expect(await call(`${url}/products/7/price`, put("{"))).toEqual([400, expect.objectContaining({ code: "invalid_argument", message: expect.stringMatching(/^malformed JSON/) as unknown })]);
    expect(await call(`${url}/products/7/price`, put('{"price":3}', "text/plain"))).toEqual([
      415,
      { code: "invalid_argument", message: 'unsupported content-type "text/plain": want application/json' },
    ]);
    expect(await call(`${url}/products/7/price`, put(`{"price":3,"note":"${"x".repeat(100)}"}`))).toEqual([413, expect.objectContaining({ code: "resource_exhausted" })]);
  });

  it("leaves out path values when the request did not come through a router", async () => {
    const { url } = await listen(server(echo, decodeFields(undefined, { path: { id: "number" } }), encodeJSON));
    expect(await call(`${url}/products/7`)).toEqual([200, {}]);
  });
});
