import type { Endpoint } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, listen } from "../test/support/listen.ts";
import { decodeJSON, encodeJSON } from "./codec.ts";
import { pathValue, router, type Handler } from "./router.ts";
import { server } from "./server.ts";

afterEach(closeAll);

const says = (text: string): Handler => (req, res) => {
  res.end(`${text} ${JSON.stringify({ id: pathValue(req, "id"), rest: pathValue(req, "rest") })}`);
};

async function call(url: string, method: string, path: string): Promise<{ status: number; allow: string | null; text: string }> {
  const res = await fetch(url + path, { method, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, allow: res.headers.get("allow"), text: await res.text() };
}

describe("router", () => {
  it("routes by method and path, with path parameters, the most specific pattern first", async () => {
    const { url } = await listen(
      router({
        "GET /items/{id}": says("get"),
        "DELETE /items/{id}": says("delete"),
        "GET /items/new": says("new"),
        "/files/{rest...}": says("file"),
        "GET /": says("root"),
      }),
    );
    expect((await call(url, "GET", "/items/42?x=1")).text).toBe('get {"id":"42"}');
    expect((await call(url, "DELETE", "/items/a%20b")).text).toBe('delete {"id":"a b"}');
    expect((await call(url, "GET", "/items/new")).text).toBe("new {}");
    expect((await call(url, "PUT", "/files/a/b%2Fc.txt")).text).toBe('file {"rest":"a/b/c.txt"}');
    expect((await call(url, "GET", "/")).text).toBe("root {}");
    expect((await call(url, "HEAD", "/items/1")).status).toBe(200);
  });

  it("answers 404 for an unknown path and 405 with allow for a known path's other method, as Kit error bodies", async () => {
    const { url } = await listen(router([["GET /items/{id}", says("get")], ["DELETE /items/{id}", says("delete")], ["POST /items/", says("post")]]));
    const missing = await call(url, "GET", "/items");
    expect([missing.status, JSON.parse(missing.text)]).toEqual([404, { code: "not_found", message: "no route for GET /items" }]);
    expect((await call(url, "GET", "/items/")).status).toBe(405);
    expect((await call(url, "GET", "/items//")).status).toBe(404); // an empty segment is no {id}
    const wrong = await call(url, "PUT", "/items/1");
    expect([wrong.status, wrong.allow, JSON.parse(wrong.text)]).toEqual([
      405,
      "DELETE, GET, HEAD",
      { code: "unimplemented", message: "method PUT is not allowed on /items/1" },
    ]);
  });

  it("answers with the notFound and methodNotAllowed handlers given", async () => {
    const { url } = await listen(
      router({ "POST /sum": says("sum") }, {
        notFound: (_req, res) => res.writeHead(404).end("nothing here"),
        methodNotAllowed: (_req, res) => res.writeHead(405).end("no"),
      }),
    );
    expect(await call(url, "GET", "/nope")).toEqual({ status: 404, allow: null, text: "nothing here" });
    expect(await call(url, "GET", "/sum")).toEqual({ status: 405, allow: "POST", text: "no" });
  });

  it("serves Kit servers, each decoding its own path values", async () => {
    const get: Endpoint<{ id: string }, { id: string }> = (_ctx, req) => Promise.resolve(req);
    const { url } = await listen(
      router({
        "GET /items/{id}": server(get, (_ctx, req) => ({ id: pathValue(req, "id") ?? "" }), encodeJSON),
        "POST /echo": server((_ctx, body: unknown) => Promise.resolve(body), decodeJSON(), encodeJSON),
      }),
    );
    expect((await call(url, "GET", "/items/7")).text).toBe('{"id":"7"}\n');
    const echoed = await fetch(`${url}/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: "[1]" });
    expect(await echoed.json()).toEqual([1]);
  });

  it("refuses malformed and duplicate patterns when it is made", () => {
    const h = says("x");
    expect(() => router({ "items/{id}": h })).toThrow(SyntaxError);
    expect(() => router({ "GET /a/{id}x": h })).toThrow(SyntaxError);
    expect(() => router({ "GET /a/{rest...}/b": h })).toThrow(SyntaxError);
    expect(() => router([["GET /a/{id}", h], ["GET /a/{id}", h]])).toThrow(/given twice/);
    expect(() => router([["GET /a/{id}", h], ["PUT /a/{key}", h]])).toThrow(SyntaxError);
  });
});
