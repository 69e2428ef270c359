// Bad input against the real server over HTTP: every malformed body gets the JSON-RPC spec's
// error (or HTTP's 413 for a body over the limit), in bounded time, and the server keeps serving.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultAsIs, type MethodTable } from "../src/method.ts";
import { server, type JsonRpcServerOptions } from "../src/server.ts";

interface SumRequest {
  readonly a: number;
  readonly b: number;
}

let handled = 0;
const sum: Endpoint<SumRequest, { v: number }> = (_ctx, { a, b }) => {
  handled += 1;
  return Promise.resolve({ v: a + b });
};
const decodeSum = (_ctx: unknown, params: unknown): SumRequest => {
  const p = params as Partial<SumRequest> | null;
  if (typeof p?.a !== "number" || typeof p.b !== "number") throw new KitError(Code.InvalidArgument, "params: want {a: number, b: number}");
  return { a: p.a, b: p.b };
};
const methods: MethodTable = { "add.sum": { endpoint: sum, decode: decodeSum, encode: resultAsIs } };

const reported: KitError[] = [];
const listeners: http.Server[] = [];

async function start(options: JsonRpcServerOptions = {}): Promise<string> {
  const listener = http.createServer(server(methods, { errorHandler: { handle: (_ctx, err) => reported.push(err) }, ...options }));
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  listeners.push(listener);
  return `http://127.0.0.1:${String((listener.address() as AddressInfo).port)}/rpc`;
}

let url = "";
let roomy = ""; // a server whose batch limit is 10,000 calls
beforeAll(async () => {
  url = await start();
  roomy = await start({ maxBatchSize: 10_000, maxBodyBytes: 4 * 1024 * 1024 });
});
afterAll(async () => {
  for (const listener of listeners) {
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  }
});

interface Answer {
  readonly status: number;
  readonly json: unknown;
  readonly ms: number;
}

/** POSTs `body` and reads the answer, within 10 s. */
async function rpc(body: string, target = url): Promise<Answer> {
  const begun = Date.now();
  const response = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : JSON.parse(text), ms: Date.now() - begun };
}

/** POSTs `chunks` without a content-length (chunked), as fast as the socket takes them, and reads the answer, which may come before the end. */
function rpcChunked(chunks: readonly Buffer[], target = url): Promise<Answer> {
  const begun = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: "POST", headers: { "content-type": "application/json" }, timeout: 10_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, json: text === "" ? undefined : JSON.parse(text), ms: Date.now() - begun });
      });
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
    req.on("error", (err) => {
      if (Date.now() - begun >= 10_000) reject(err); // else the server closed the connection after answering: the answer is what counts
    });
    const write = (i: number): void => {
      if (i === chunks.length) {
        req.end();
        return;
      }
      if (req.destroyed) return;
      if (req.write(chunks[i])) write(i + 1);
      else
        req.once("drain", () => {
          write(i + 1);
        });
    };
    write(0);
  });
}

/** The server still answers a good call. */
async function stillServes(target = url): Promise<void> {
  expect((await rpc('{"jsonrpc":"2.0","method":"add.sum","params":{"a":1,"b":2},"id":"after"}', target)).json).toEqual({ jsonrpc: "2.0", result: { v: 3 }, id: "after" });
}

const invalid = (message: string, id: unknown = null): unknown => ({ jsonrpc: "2.0", error: { code: -32600, message: `invalid request: ${message}` }, id });

describe("bad input over HTTP", () => {
  it("answers each malformed envelope with its spec error, naming what is wrong, and keeps serving", async () => {
    const cases: [string, number, unknown][] = [
      ["", -32700, null],
      ["   ", -32700, null],
      ["{", -32700, null],
      ["\u0000", -32700, null],
      ['{"method":"add.sum","params":{"a":1,"b":2},"id":1}', -32600, 1], // jsonrpc missing
      ['{"jsonrpc":2,"method":"add.sum","id":1}', -32600, 1],
      ['{"jsonrpc":"2.0","method":"add.sum","id":{"n":1}}', -32600, null], // id an object
      ['{"jsonrpc":"2.0","method":"add.sum","id":[1]}', -32600, null],
      ['{"jsonrpc":"2.0","method":"add.sum","id":true}', -32600, null],
      ['{"jsonrpc":"2.0","method":7,"id":1}', -32600, 1], // method a number
      ['{"jsonrpc":"2.0","method":null,"id":1}', -32600, 1],
      ['{"jsonrpc":"2.0","id":1}', -32600, 1],
      ['{"jsonrpc":"2.0","method":"add.sum","params":"1,2","id":1}', -32600, 1], // params a string
      ['{"jsonrpc":"2.0","method":"add.sum","params":3,"id":1}', -32600, 1],
      ["null", -32600, null],
      ["42", -32600, null],
      ["[]", -32600, null], // an empty batch: one error, not an array
      ['{"jsonrpc":"2.0","method":"no.such","id":1}', -32601, 1],
      ['{"jsonrpc":"2.0","method":"add.sum","params":{"a":"1","b":2},"id":1}', -32602, 1],
      ['{"jsonrpc":"2.0","method":"add.sum","params":[1,2],"id":1}', -32602, 1],
      ['{"jsonrpc":"2.0","method":"add.sum","id":1}', -32602, 1],
    ];
    for (const [body, code, id] of cases) {
      const answer = await rpc(body);
      const json = answer.json as { error?: { code: number; message: string }; id?: unknown };
      expect({ body, status: answer.status, array: Array.isArray(json), code: json.error?.code, id: json.id }).toEqual({ body, status: 200, array: false, code, id });
      expect(json.error?.message.length).toBeGreaterThan(0);
    }
    await stillServes();
  });

  it("answers wrong types inside a batch one by one, in order, the good calls with their results", async () => {
    const answer = await rpc(
      JSON.stringify([
        { jsonrpc: "2.0", method: "add.sum", params: { a: 1, b: 1 }, id: 1 },
        { jsonrpc: "2.0", method: "add.sum", id: { x: 1 } },
        { jsonrpc: "2.0", method: 5, id: 3 },
        { jsonrpc: "2.0", method: "add.sum", params: "x", id: 4 },
        { method: "add.sum", params: { a: 1, b: 1 }, id: 5 },
        [],
        { jsonrpc: "2.0", method: "add.sum", params: { a: 2, b: 2 }, id: 7 },
      ]),
    );
    expect(answer.json).toEqual([
      { jsonrpc: "2.0", result: { v: 2 }, id: 1 },
      invalid("id must be a string, a number or null"),
      invalid("method must be a string", 3),
      invalid("params must be an array or an object", 4),
      invalid('jsonrpc must be "2.0"', 5),
      invalid("a request must be an object"),
      { jsonrpc: "2.0", result: { v: 4 }, id: 7 },
    ]);
  });

  it("refuses a batch of 10,000 over the limit at once, running none of it", async () => {
    handled = 0;
    const batch = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ jsonrpc: "2.0", method: "add.sum", params: { a: i, b: 1 }, id: i })));
    const answer = await rpc(batch);
    expect(answer.json).toEqual(invalid("a batch of 10000 calls is over the limit of 1000"));
    expect(handled).toBe(0);
    await stillServes();
  });

  it("answers a batch of 10,000 within its limit: every call, in order, in bounded time", async () => {
    handled = 0;
    const batch = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ jsonrpc: "2.0", method: "add.sum", params: { a: i, b: 1 }, id: i })));
    const answer = await rpc(batch, roomy);
    const responses = answer.json as { result: { v: number }; id: number }[];
    expect(responses).toHaveLength(10_000);
    expect(responses.every((response, i) => response.id === i && response.result.v === i + 1)).toBe(true);
    expect(handled).toBe(10_000);
    expect(answer.ms).toBeLessThan(10_000);
    await stillServes(roomy);
  });

  it("answers a batch of 10,000 malformed entries with 10,000 Invalid Requests", async () => {
    const batch = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ method: "add.sum", id: i })));
    const responses = (await rpc(batch, roomy)).json as { error: { code: number }; id: number }[];
    expect(responses).toHaveLength(10_000);
    expect(responses.every((response, i) => response.id === i && response.error.code === -32600)).toBe(true);
  });

  it("answers a 2 MiB body 413 with an Invalid Request, with or without a content-length, and keeps serving", async () => {
    const pad = "x".repeat(2 * 1024 * 1024);
    const declared = await rpc(JSON.stringify({ jsonrpc: "2.0", method: "add.sum", params: { pad }, id: 1 }));
    const chunk = Buffer.from("y".repeat(64 * 1024));
    const chunks = [Buffer.from('{"jsonrpc":"2.0","method":"add.sum","params":{"pad":"'), ...Array.from({ length: 32 }, () => chunk), Buffer.from('"},"id":1}')];
    const streamed = await rpcChunked(chunks);
    for (const answer of [declared, streamed]) {
      expect(answer.status).toBe(413);
      expect(answer.json).toEqual({ jsonrpc: "2.0", error: { code: -32600, message: "request body is larger than 1048576 bytes", data: { code: "resource_exhausted", details: { limit: 1_048_576 } } }, id: null });
    }
    expect(reported.filter((err) => err.code === Code.ResourceExhausted).length).toBeGreaterThanOrEqual(2);
    await stillServes();
  });

  it("answers JSON nested 100,000 deep (a batch of one array) with an Invalid Request, not a crash", async () => {
    const answer = await rpc("[".repeat(100_000) + "]".repeat(100_000));
    expect([answer.status, answer.json]).toEqual([200, [invalid("a request must be an object")]]);
    await stillServes();
  });
});
