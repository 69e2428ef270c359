// httpHandler's options beyond transport-http's: an `@http ANY` route, a method's own request
// decoder, server options per route, a not-found handler, absolute-form request targets; and
// httpTransport's own response decoders. On the gowire fixture (Go kit's addsvc routes).
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, withTimeout, type KitError } from "@kit/endpoint";
import { readBody } from "@kit/transport-http";
import { afterEach, describe, expect, it } from "vitest";
import { adderClient, makeEndpoints } from "./fixtures/gowire/generated/adder.endpoints.ts";
import { httpHandler, httpTransport, type HttpHandlerOptions } from "./fixtures/gowire/generated/adder.http.ts";
import { Adder } from "./fixtures/gowire/service.ts";

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(options?: HttpHandlerOptions): Promise<string> {
  const s = createServer(httpHandler(makeEndpoints(new Adder()), options));
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function call(url: string, method: string, body?: string): Promise<[number, unknown]> {
  const res = await fetch(url, { method, ...(body === undefined ? {} : { body, headers: { "content-type": "application/json" } }) });
  return [res.status, await res.json()];
}

describe("httpHandler options", () => {
  it("serves an @http ANY route whatever the method, and its client sends POST", async () => {
    const url = await serve();
    expect(await call(`${url}/sum`, "PUT", '{"a":1,"b":2}')).toEqual([200, { v: 3 }]);
    expect(await call(`${url}/concat`, "PATCH", '{"a":"x","b":"y"}')).toEqual([200, { v: "xy" }]);
    expect(await call(`${url}/sum`, "DELETE", '{"a":2,"b":2}')).toEqual([200, { v: 4 }]);
    const [ctx, cancel] = withTimeout(background(), 5_000);
    expect(await adderClient(httpTransport(url)).sum(ctx, 4, 5)).toBe(9);
    cancel();
  });

  it("routes an absolute-form target (as sent to a proxy) by its path", async () => {
    const url = new URL(await serve());
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: "POST", path: `${url.origin}/sum?x=1`, headers: { "content-type": "application/json" } }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          resolve(`${String(res.statusCode)} ${text}`);
        });
      });
      req.on("error", reject);
      req.end('{"a":1,"b":1}');
    });
    expect(answer).toBe('200 {"v":2}\n');
  });

  it("decodes a method's requests with its own decoder, and the others with the generated one", async () => {
    const sum = async (_ctx: unknown, req: IncomingMessage) => {
      const [a, b] = (await readBody(req)).toString("utf8").split("+").map(Number);
      return { a: a ?? 0, b: b ?? 0 };
    };
    const url = await serve({ decoders: { sum }, errorHandler: { handle: () => undefined } });
    const res = await fetch(`${url}/sum`, { method: "POST", body: "2+3", headers: { "content-type": "text/plain" } });
    expect([res.status, await res.json()]).toEqual([200, { v: 5 }]);
    expect(await call(`${url}/concat`, "POST", '{"a":1,"b":"y"}')).toEqual([400, expect.objectContaining({ message: "a: expected a string" })]);
  });

  it("gives each route its own server options, named by method and route, over the shared ones", async () => {
    const seen: string[] = [];
    const url = await serve({
      errorEncoder: (_ctx, err, res) => {
        res.writeHead(418).end(err.message);
      },
      routeOptions: (method, route) => ({ finalizer: [(_ctx, outcome) => void seen.push(`${method} ${route} ${outcome.status}`)] }),
    });
    expect(await call(`${url}/sum`, "POST", '{"a":1,"b":2}')).toEqual([200, { v: 3 }]);
    const zero = await fetch(`${url}/sum`, { method: "POST", body: '{"a":0,"b":0}', headers: { "content-type": "application/json" } });
    expect([zero.status, await zero.text()]).toEqual([418, "can't sum two zeroes"]);
    expect(await call(`${url}/concat`, "POST", '{"a":"a","b":"b"}')).toEqual([200, { v: "ab" }]);
    await expect.poll(() => seen).toEqual(["sum /sum 200", "sum /sum 418", "concat /concat 200"]);
  });

  it("answers an unknown route with the notFound handler, or else 404 through the error encoder", async () => {
    const notFound = (req: IncomingMessage, res: ServerResponse, path: string): void => void res.writeHead(200).end(`${path} for ${req.url ?? ""}`);
    const custom = await serve({ notFound });
    const res = await fetch(`${custom}/metrics?x=1`);
    expect([res.status, await res.text()]).toEqual([200, "/metrics for /metrics?x=1"]);
    const encoded = await serve({
      errorEncoder: (_ctx, err: KitError, r) => {
        r.writeHead(404).end(`${err.code}: ${err.message}`);
      },
    });
    const missing = await fetch(`${encoded}/nowhere`);
    expect([missing.status, await missing.text()]).toEqual([404, `${Code.NotFound}: no route for GET /nowhere`]);
  });

  it("answers an unknown route with the default 404 when the error encoder throws or rejects, and keeps serving", async () => {
    const throwing = await serve({ errorEncoder: () => { throw new Error("encoder broke"); } });
    const rejecting = await serve({ errorEncoder: () => Promise.reject(new Error("encoder broke")) });
    for (const url of [throwing, rejecting]) {
      expect(await call(`${url}/nowhere`, "GET")).toEqual([404, { code: Code.NotFound, message: "no route for GET /nowhere" }]);
      expect(await call(`${url}/sum`, "POST", '{"a":1,"b":2}')).toEqual([200, { v: 3 }]);
    }
  });

  it("decodes a method's responses with the client's own decoder, and the others with the generated one", async () => {
    const url = await serve();
    const sum = async (_ctx: unknown, response: Response): Promise<number> => 100 * ((await response.json()) as { v: number }).v;
    const svc = adderClient(httpTransport(url, { decoders: { sum } }));
    const [ctx, cancel] = withTimeout(background(), 5_000);
    expect([await svc.sum(ctx, 1, 2), await svc.concat(ctx, "a", "b")]).toEqual([300, "ab"]);
    cancel();
  });
});
