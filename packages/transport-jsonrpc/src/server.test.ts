import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paramsAsRequest, resultAsIs, type MethodTable } from "./method.ts";
import { server, type JsonRpcServerOptions, type JsonRpcServerOutcome } from "./server.ts";

interface SumRequest {
  readonly a: number;
  readonly b: number;
}

const calls: string[] = [];
const sum: Endpoint<SumRequest, { v: number }> = (_ctx, { a, b }) => {
  calls.push(`sum ${a} ${b}`);
  if (a === 0 && b === 0) return Promise.reject(new KitError(Code.InvalidArgument, "can't sum two zeroes"));
  return Promise.resolve({ v: a + b });
};
const decodeSum = (_ctx: unknown, params: unknown): SumRequest => {
  const p = params as Partial<SumRequest> | null;
  if (typeof p?.a !== "number" || typeof p.b !== "number") throw new KitError(Code.InvalidArgument, "params: want {a: number, b: number}");
  return { a: p.a, b: p.b };
};

const methods: MethodTable = {
  "add.sum": { endpoint: sum, decode: decodeSum, encode: resultAsIs },
  "user.get": { endpoint: () => Promise.reject(new KitError(Code.NotFound, "no such user", { details: { id: 7 } })), decode: paramsAsRequest(), encode: resultAsIs },
  "db.query": { endpoint: () => Promise.reject(new Error("password authentication failed for user \"admin\"")), decode: paramsAsRequest(), encode: resultAsIs },
  "slow.wait": { endpoint: (ctx) => new Promise((resolve, reject) => { ctx.signal.addEventListener("abort", () => { reject(ctx.signal.reason as Error); }); setTimeout(resolve, 5_000, "late").unref(); }), decode: paramsAsRequest(), encode: resultAsIs },
  "wait.abort": { endpoint: (ctx, request) => waitForAbort(ctx, request), decode: paramsAsRequest(), encode: resultAsIs },
  "bad.params": { endpoint: sum, decode: () => { throw new TypeError("cannot read a of undefined"); }, encode: resultAsIs },
};

/** What ended each call of "wait.abort": its context's signal's reason. */
const waiting: Promise<unknown>[] = [];
const waitForAbort: Endpoint<unknown, never> = (ctx) => {
  const { signal } = ctx;
  const ended = new Promise<unknown>((resolve) => {
    signal.addEventListener("abort", () => {
      resolve(signal.reason);
    }, { once: true });
  });
  waiting.push(ended);
  return ended.then((reason) => Promise.reject(reason as Error));
};

const handled: KitError[] = [];
const outcomes: JsonRpcServerOutcome[] = [];
const listeners: http.Server[] = [];

async function start(options: JsonRpcServerOptions = {}): Promise<string> {
  const listener = http.createServer(server(methods, { errorHandler: { handle: (_ctx, err) => handled.push(err) }, finalizer: [(_ctx, outcome) => { outcomes.push(outcome); }], ...options }));
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  listeners.push(listener);
  return `http://127.0.0.1:${(listener.address() as AddressInfo).port}/rpc`;
}

let url = "";
beforeAll(async () => {
  url = await start();
});
afterAll(async () => {
  for (const listener of listeners) {
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  }
});

async function rpc(body: string | object, headers: Record<string, string> = {}, target = url): Promise<{ status: number; json: unknown; headers: Headers }> {
  const response = await fetch(target, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : JSON.parse(text), headers: response.headers };
}

describe("server", () => {
  it("answers a call with its result, echoing the id as given: a string, a number or null", async () => {
    for (const id of ["a-1", 42, null, 1.5]) {
      expect(await rpc({ jsonrpc: "2.0", method: "add.sum", params: { a: 1, b: 2 }, id })).toMatchObject({ status: 200, json: { jsonrpc: "2.0", result: { v: 3 }, id } });
    }
  });

  it("runs a notification without answering it: 204, no body", async () => {
    calls.length = 0;
    const answer = await rpc({ jsonrpc: "2.0", method: "add.sum", params: { a: 4, b: 5 } });
    expect(answer).toMatchObject({ status: 204, json: undefined });
    expect(calls).toEqual(["sum 4 5"]);
  });

  it("answers a batch in order, leaving out notifications; a batch of notifications only is a 204", async () => {
    const answer = await rpc([
      { jsonrpc: "2.0", method: "add.sum", params: { a: 1, b: 1 }, id: "one" },
      { jsonrpc: "2.0", method: "add.sum", params: { a: 9, b: 9 } },
      { jsonrpc: "2.0", method: "nope", id: 2 },
      { jsonrpc: "2.0", method: "add.sum", params: { a: 2, b: 2 }, id: 3 },
      1,
    ]);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([
      { jsonrpc: "2.0", result: { v: 2 }, id: "one" },
      { jsonrpc: "2.0", error: { code: -32601, message: 'method not found: "nope"' }, id: 2 },
      { jsonrpc: "2.0", result: { v: 4 }, id: 3 },
      { jsonrpc: "2.0", error: { code: -32600, message: "invalid request: a request must be an object" }, id: null },
    ]);
    expect(await rpc([{ jsonrpc: "2.0", method: "add.sum", params: { a: 1, b: 1 } }, { jsonrpc: "2.0", method: "nope" }])).toMatchObject({ status: 204, json: undefined });
  });

  it("uses the spec's codes for what is wrong with the request itself", async () => {
    const cases: [string, number, string][] = [
      ['{"jsonrpc":"2.0","method":', -32700, "parse error"],
      ["[]", -32600, "invalid request: an empty batch"],
      ['{"method":"add.sum","id":1}', -32600, 'invalid request: jsonrpc must be "2.0"'],
      ['{"jsonrpc":"1.0","method":"add.sum","id":1}', -32600, 'invalid request: jsonrpc must be "2.0"'],
      ['{"jsonrpc":"2.0","method":7,"id":1}', -32600, "invalid request: method must be a string"],
      ['{"jsonrpc":"2.0","method":"add.sum","params":"x","id":1}', -32600, "invalid request: params must be an array or an object"],
      ['{"jsonrpc":"2.0","method":"add.sum","id":{"x":1}}', -32600, "invalid request: id must be a string, a number or null"],
      ['"just a string"', -32600, "invalid request: a request must be an object"],
      ['{"jsonrpc":"2.0","method":"add.sum","params":{"a":"1"},"id":1}', -32602, "params: want {a: number, b: number}"],
      ['{"jsonrpc":"2.0","method":"bad.params","params":{},"id":1}', -32602, "cannot read a of undefined"],
      ['{"jsonrpc":"2.0","method":"constructor","id":1}', -32601, 'method not found: "constructor"'],
    ];
    for (const [body, code, message] of cases) {
      const answer = await rpc(body);
      const { error } = answer.json as { error: { code: number; message: string } };
      expect({ body, status: answer.status, code: error.code, message: error.message.slice(0, message.length) }).toEqual({ body, status: 200, code, message });
    }
  });

  it("puts Kit's codes in the implementation-defined range, with the code by name in error.data", async () => {
    const answer = await rpc({ jsonrpc: "2.0", method: "user.get", id: 1 });
    expect(answer.json).toEqual({ jsonrpc: "2.0", error: { code: -32005, message: "no such user", data: { code: "not_found", details: { id: 7 } } }, id: 1 });
    const business = await rpc({ jsonrpc: "2.0", method: "add.sum", params: { a: 0, b: 0 }, id: 2 });
    expect(business.json).toEqual({ jsonrpc: "2.0", error: { code: -32003, message: "can't sum two zeroes", data: { code: "invalid_argument" } }, id: 2 });
  });

  it("never sends a plain error's text to the caller: internal error, the text to the error handler", async () => {
    handled.length = 0;
    const answer = await rpc({ jsonrpc: "2.0", method: "db.query", id: 1 });
    expect(answer.json).toEqual({ jsonrpc: "2.0", error: { code: -32603, message: "internal error", data: { code: "internal" } }, id: 1 });
    expect(handled.map((err) => err.message)).toEqual(['password authentication failed for user "admin"']);
    const exposing = await start({ exposeErrors: true });
    const exposed = await rpc({ jsonrpc: "2.0", method: "db.query", id: 1 }, {}, exposing);
    expect((exposed.json as { error: { message: string } }).error.message).toBe('password authentication failed for user "admin"');
  });

  it("gives every call the kit-timeout header's deadline: a slow call fails with deadline_exceeded", async () => {
    const started = Date.now();
    const answer = await rpc({ jsonrpc: "2.0", method: "slow.wait", id: 1 }, { "kit-timeout": "100" });
    expect(answer.json).toMatchObject({ error: { code: -32004, data: { code: "deadline_exceeded" } }, id: 1 });
    expect(Date.now() - started).toBeLessThan(3_000);
    const malformed = await rpc({ jsonrpc: "2.0", method: "add.sum", params: { a: 1, b: 2 }, id: 1 }, { "kit-timeout": "soon" });
    expect(malformed.json).toMatchObject({ error: { code: -32003, data: { code: "invalid_argument" } }, id: null });
  });

  it("cancels a call's context when its client goes away, without a deadline too", async () => {
    const controller = new AbortController();
    const call = fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", method: "wait.abort", id: 1 }), signal: controller.signal });
    await expect.poll(() => waiting.length).toBe(1);
    controller.abort();
    await call.catch(() => undefined);
    expect(await waiting[0]).toMatchObject({ code: "canceled", message: "client disconnected" });
  });

  it("refuses a batch over maxBatchSize as a whole, at once, without running any of it", async () => {
    calls.length = 0;
    const huge = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ jsonrpc: "2.0", method: "add.sum", params: { a: i, b: 1 }, id: i })));
    const answer = await rpc(huge);
    expect(answer.json).toEqual({ jsonrpc: "2.0", error: { code: -32600, message: "invalid request: a batch of 10000 calls is over the limit of 1000" }, id: null });
    expect(calls).toEqual([]);
  });

  it("answers a body over maxBodyBytes 413 with an Invalid Request, and closes the connection", async () => {
    const big = JSON.stringify({ jsonrpc: "2.0", method: "add.sum", params: { pad: "x".repeat(2 * 1024 * 1024) }, id: 1 });
    const answer = await rpc(big);
    expect(answer.status).toBe(413);
    expect(answer.headers.get("connection")).toBe("close");
    expect(answer.json).toMatchObject({ error: { code: -32600, message: "request body is larger than 1048576 bytes", data: { code: "resource_exhausted" } }, id: null });
  });

  it("answers anything but POST 405 with Allow: POST, and runs the finalizer for it", async () => {
    outcomes.length = 0;
    const response = await fetch(url);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toMatchObject({ error: { code: -32600 }, id: null });
    await expect.poll(() => outcomes.map((outcome) => [outcome.status, outcome.calls, outcome.failed])).toEqual([[405, 0, 1]]);
  });

  it("runs before, after and finalizer hooks once per HTTP request, in order", async () => {
    const seen: string[] = [];
    const hooked = await start({
      before: [(ctx, req) => { seen.push(`before ${req.headers["x-user"] as string}`); return ctx; }],
      after: [(ctx, res) => { seen.push("after"); res.setHeader("x-served-by", "kit"); return ctx; }],
      finalizer: [(_ctx, outcome) => { seen.push(`finalizer ${outcome.status} ${outcome.calls} ${outcome.failed}`); }],
    });
    const answer = await rpc([{ jsonrpc: "2.0", method: "add.sum", params: { a: 1, b: 2 }, id: 1 }, { jsonrpc: "2.0", method: "nope", id: 2 }], { "x-user": "ana" }, hooked);
    expect(answer.headers.get("x-served-by")).toBe("kit");
    await expect.poll(() => seen).toEqual(["before ana", "after", "finalizer 200 2 1"]);
  });

  it("survives garbage: every body gets a JSON-RPC answer, the server keeps serving", async () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pieces = ["{", "}", "[", "]", '"jsonrpc"', '"2.0"', '"method"', '"add.sum"', ":", ",", "null", "1e999", '"id"', "-0", "\\u0000", "\u00ff", "true", '"params"'];
    for (let i = 0; i < 300; i++) {
      const body = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join("");
      const answer = await rpc(body);
      const text = answer.json === undefined ? "" : JSON.stringify(answer.json);
      expect({ body, answered: answer.status === 204 || (answer.status === 200 && text.includes('"jsonrpc":"2.0"')) }).toEqual({ body, answered: true });
    }
    expect(await rpc({ jsonrpc: "2.0", method: "add.sum", params: { a: 1, b: 2 }, id: 1 })).toMatchObject({ json: { result: { v: 3 } } });
  });
});
