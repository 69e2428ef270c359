import { request } from "node:http";
import type { Endpoint } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, listen } from "../test/support/listen.ts";
import { decodeJSON, encodeJSON } from "./codec.ts";
import { pathValue, router, type Handler } from "./router.ts";
import { errorStatus } from "./error-status.ts";
import { server } from "./server.ts";

afterEach(closeAll);

const says = (text: string): Handler => (req, res) => {
  res.end(`${text} ${JSON.stringify({ id: pathValue(req, "id"), rest: pathValue(req, "rest") })}`);
};

async function call(url: string, method: string, path: string): Promise<{ status: number; allow: string | null; text: string }> {
  const res = await fetch(url + path, { method, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, allow: res.headers.get("allow"), text: await res.text() };
}

/** Sends `target` as the request target as it is (absolute form, `*`), and gives `status body`. */
function rawRequest(port: string, method: string, target: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path: target }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        resolve(`${String(res.statusCode)} ${text}`);
      });
    });
    req.on("error", reject);
    req.end();
  });
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
    expect(() => router([["GET /a/{id}", h], ["GET /a/{key}", h]])).toThrow(/given twice/);
    expect(() => router({ "GET /a/{id}/{id}": h })).toThrow(/used twice/);
  });

  it("lets patterns name the parameters at one place differently, each route reading its own names", async () => {
    const { url } = await listen(
      router([
        ["GET /a/{id}", says("get")],
        ["PUT /a/{rest}", says("put")],
        ["POST /a/{id}/{rest...}", says("post")],
      ]),
    );
    expect((await call(url, "GET", "/a/1")).text).toBe('get {"id":"1"}');
    expect((await call(url, "PUT", "/a/2")).text).toBe('put {"rest":"2"}');
    expect((await call(url, "POST", "/a/3/x/y")).text).toBe('post {"id":"3","rest":"x/y"}');
    expect((await call(url, "DELETE", "/a/1")).allow).toBe("GET, HEAD, PUT");
  });

  it("routes an absolute-form target (as sent to a proxy) by its path, and nothing else that does not start with /", async () => {
    const handler = router({ "POST /sum": says("sum"), "/": says("root") });
    const { url } = await listen(handler);
    const { port } = new URL(url);
    expect(await rawRequest(port, "POST", `${url}/sum?x=1`)).toBe('200 sum {}');
    expect(await rawRequest(port, "GET", "HTTP://example.com/")).toBe("200 root {}");
    expect(await rawRequest(port, "OPTIONS", "*")).toBe('404 {"code":"not_found","message":"no route for OPTIONS *"}');
  });

  it("answers malformed percent-encodings in a {name} 404, and cuts long paths in its messages", async () => {
    const { url } = await listen(router({ "GET /items/{id}": says("get") }));
    const bad = await call(url, "GET", "/items/%zz");
    expect([bad.status, JSON.parse(bad.text)]).toEqual([404, { code: "not_found", message: "no route for GET /items/%zz" }]);
    expect((await call(url, "GET", "/items/%E0%A4%A")).status).toBe(404);
    const long = await call(url, "GET", `/${"x".repeat(5_000)}`);
    expect(JSON.parse(long.text)).toEqual({ code: "not_found", message: `no route for GET /${"x".repeat(99)}…` });
  });

  it("writes its own 404 and 405 with the errorEncoder, and with encodeError when that one fails", async () => {
    const plain = await listen(
      router({ "POST /sum": says("sum") }, { errorEncoder: (_ctx, err, res) => void res.writeHead(errorStatus(err)).end(`${err.code}: ${err.message}`) }),
    );
    expect(await call(plain.url, "GET", "/nope")).toEqual({ status: 404, allow: null, text: "not_found: no route for GET /nope" });
    expect(await call(plain.url, "GET", "/sum")).toEqual({ status: 405, allow: "POST", text: "unimplemented: method GET is not allowed on /sum" });
    const throwing = await listen(router({}, { errorEncoder: () => { throw new Error("broke"); } }));
    const rejecting = await listen(router({}, { errorEncoder: () => Promise.reject(new Error("broke")) }));
    for (const { url } of [throwing, rejecting]) {
      const answer = await call(url, "GET", "/nope");
      expect([answer.status, JSON.parse(answer.text)]).toEqual([404, { code: "not_found", message: "no route for GET /nope" }]);
    }
  });

  it("gives notFound the path without the query, of an absolute-form target too", async () => {
    const { url } = await listen(router({}, { notFound: (req, res, path) => void res.writeHead(200).end(`${path} for ${req.url ?? ""}`) }));
    expect((await call(url, "GET", "/metrics?x=1")).text).toBe("/metrics for /metrics?x=1");
    expect(await rawRequest(new URL(url).port, "GET", `${url}/metrics?x=1`)).toBe(`200 /metrics for ${url}/metrics?x=1`);
  });
});
