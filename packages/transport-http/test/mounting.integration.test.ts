import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, isKitError, KitError, type Context, type Endpoint } from "@kit/endpoint";
import express from "express";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { client } from "../src/client.ts";
import { decodeJSON, decodeJSONResponse, encodeJSON, encodeJSONRequest } from "../src/codec.ts";
import { pathValue, router } from "../src/router.ts";
import { server } from "../src/server.ts";
import { aborted } from "./support/listen.ts";

// The three mountings shown in the README, each checked through a real socket: a success, an
// error code, the body limit (which proves the framework left the body unread) and a deadline.

const SumRequest = z.object({ a: z.number(), b: z.number() });
const sum: Endpoint<z.infer<typeof SumRequest>, { v: number }> = async (ctx: Context, { a, b }) => {
  if (a === 0 && b === 0) throw new KitError(Code.InvalidArgument, "can't sum two zeroes");
  if (a < 0) throw (await aborted(ctx.signal)) as Error; // waits for the deadline
  return { v: a + b };
};
const handler = server(sum, decodeJSON(SumRequest), encodeJSON, { maxBodyBytes: 1024 });

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function nodeHttp(): Promise<string> {
  const srv = http.createServer(handler).listen(0, "127.0.0.1");
  await once(srv, "listening");
  closers.push(() => stop(srv));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}/sum`;
}

async function withExpress(): Promise<string> {
  const app = express();
  app.post("/sum", handler); // no express.json() in front: the handler reads the body itself
  const srv = app.listen(0, "127.0.0.1");
  await once(srv, "listening");
  closers.push(() => stop(srv));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}/sum`;
}

function stop(srv: http.Server): Promise<void> {
  srv.closeAllConnections();
  return new Promise((resolve) => srv.close(() => {
    resolve();
  }));
}

async function withFastify(): Promise<string> {
  const app = Fastify();
  await app.register((scope, _options, registered) => {
    // Leave bodies unread in this scope: the handler reads them, within maxBodyBytes.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, _payload, done) => {
      done(null);
    });
    scope.post("/sum", (request, reply) => {
      reply.hijack();
      handler(request.raw, reply.raw);
    });
    registered();
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  closers.push(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/sum`;
}

describe.each([
  ["node:http", nodeHttp],
  ["Express", withExpress],
  ["Fastify", withFastify],
])("server mounted with %s", (_name, mount) => {
  it("answers, keeps error codes, refuses big bodies with 413 and honours kit-timeout", async () => {
    const url = await mount();
    const remote = client("POST", url, encodeJSONRequest, decodeJSONResponse(z.object({ v: z.number() })));
    expect(await remote(background(), { a: 1, b: 2 })).toEqual({ v: 3 });

    const zero: unknown = await remote(background(), { a: 0, b: 0 }).catch((e: unknown) => e);
    expect(isKitError(zero) && [zero.code, zero.message]).toEqual(["invalid_argument", "can't sum two zeroes"]);

    const big = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ a: 1, b: 2, pad: "x".repeat(2048) }) });
    expect([big.status, ((await big.json()) as { code: string }).code]).toEqual([413, "resource_exhausted"]);

    const late = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "kit-timeout": "50" }, body: '{"a":-1,"b":0}' });
    expect([late.status, ((await late.json()) as { code: string }).code]).toEqual([504, "deadline_exceeded"]);
  });
});

// A router mounts like a single server: Express passes it every request it reaches, Fastify a
// catch-all route in a scope that leaves bodies unread.
const routes = router({
  "POST /sum": handler,
  "GET /items/{id}": (req, res) => {
    res.end(`item ${pathValue(req, "id") ?? ""}`);
  },
});

async function routesWithExpress(): Promise<string> {
  const app = express();
  app.use(routes);
  const srv = app.listen(0, "127.0.0.1");
  await once(srv, "listening");
  closers.push(() => stop(srv));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

async function routesWithFastify(): Promise<string> {
  const app = Fastify();
  await app.register((scope, _options, registered) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, _payload, done) => {
      done(null);
    });
    scope.all("/*", (request, reply) => {
      reply.hijack();
      routes(request.raw, reply.raw);
    });
    registered();
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  closers.push(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe.each([
  ["Express", routesWithExpress],
  ["Fastify", routesWithFastify],
])("router mounted with %s", (_name, mount) => {
  it("routes by method and path, with path values, 404 and 405", async () => {
    const base = await mount();
    const remote = client("POST", `${base}/sum`, encodeJSONRequest, decodeJSONResponse(z.object({ v: z.number() })));
    expect(await remote(background(), { a: 1, b: 2 })).toEqual({ v: 3 });
    expect(await (await fetch(`${base}/items/7`)).text()).toBe("item 7");
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    const wrong = await fetch(`${base}/sum`, { method: "PUT" });
    expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "POST"]);
  });
});
