import { getEventListeners, once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, isCode, KitError, withTimeout, type Endpoint } from "@kit/endpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, call } from "./batch.ts";
import { client, notifier, type JsonRpcMethod } from "./client.ts";
import { paramsAsRequest, resultAsIs } from "./method.ts";
import { server } from "./server.ts";

interface SumRequest {
  readonly a: number;
  readonly b: number;
}
interface SumResponse {
  readonly v: number;
}

const sumMethod: JsonRpcMethod<SumRequest, SumResponse> = { name: "add.sum", encode: (_ctx, request) => request, decode: (_ctx, result) => result as SumResponse };
const concatMethod: JsonRpcMethod<{ a: string; b: string }, string> = { name: "add.concat", encode: (_ctx, r) => [r.a, r.b], decode: (_ctx, result) => String(result) };
const failMethod: JsonRpcMethod<{ code: string }, never> = { name: "fail", encode: (_ctx, r) => r, decode: () => { throw new Error("unreachable"); } };

const notified: SumRequest[] = [];
const sum: Endpoint<SumRequest, SumResponse> = (_ctx, { a, b }) => {
  notified.push({ a, b });
  return Promise.resolve({ v: a + b });
};
const concat: Endpoint<string[], string> = (_ctx, [a, b]) => Promise.resolve(`${a ?? ""}${b ?? ""}`);
const fail: Endpoint<{ code: string }, never> = (_ctx, { code }) =>
  Promise.reject(new KitError(isCode(code) ? code : Code.Unknown, `failed with ${code}`, { details: { asked: code } }));
const slow: Endpoint<unknown, string> = () => new Promise((resolve) => setTimeout(resolve, 2_000, "late").unref());

let url = "";
let garbageUrl = "";
const listeners: http.Server[] = [];

async function listen(handler: http.RequestListener): Promise<string> {
  const listener = http.createServer(handler).listen(0, "127.0.0.1");
  await once(listener, "listening");
  listeners.push(listener);
  return `http://127.0.0.1:${(listener.address() as AddressInfo).port}/rpc`;
}

beforeAll(async () => {
  url = await listen(
    server({
      "add.sum": { endpoint: sum, decode: paramsAsRequest<SumRequest>(), encode: resultAsIs },
      "add.concat": { endpoint: concat, decode: paramsAsRequest<string[]>(), encode: resultAsIs },
      fail: { endpoint: fail, decode: paramsAsRequest<{ code: string }>(), encode: resultAsIs },
      slow: { endpoint: slow, decode: paramsAsRequest(), encode: resultAsIs },
      "deadline.left": { endpoint: (c) => Promise.resolve(c.deadline === undefined ? null : c.deadline - Date.now()), decode: paramsAsRequest(), encode: resultAsIs },
    }),
  );
  garbageUrl = await listen((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>"));
});
afterAll(async () => {
  for (const listener of listeners) {
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  }
});

const ctx = background();

describe("client", () => {
  it("calls a method and decodes its result", async () => {
    expect(await client(url, sumMethod)(ctx, { a: 1, b: 2 })).toEqual({ v: 3 });
    expect(await client(url, concatMethod)(ctx, { a: "kit", b: "go" })).toBe("kitgo");
  });

  it("gets every Kit error code back as itself, with its message and details", async () => {
    const failing = client(url, failMethod);
    for (const code of Object.values(Code)) {
      const err = await failing(ctx, { code }).then(() => undefined, (thrown: unknown) => thrown as KitError);
      expect({ code: err?.code, message: err?.message, details: err?.details }).toEqual({ code, message: `failed with ${code}`, details: { asked: code } });
    }
  });

  it("maps the spec's codes when the server is not Kit: -32601 is unimplemented", async () => {
    const missing = client(url, { ...sumMethod, name: "no.such" });
    await expect(missing(ctx, { a: 1, b: 2 })).rejects.toMatchObject({ code: Code.Unimplemented, message: 'method not found: "no.such"' });
  });

  it("sends the context's deadline as kit-timeout, and stops at its own bound when there is none", async () => {
    const left: JsonRpcMethod<undefined, number | null> = { name: "deadline.left", encode: () => undefined, decode: (_ctx, result) => result as number | null };
    const [timed, done] = withTimeout(background(), 5_000);
    expect(await client(url, left)(timed, undefined)).toBeGreaterThan(4_000);
    done();
    expect(await client(url, left)(ctx, undefined)).toBeNull(); // the client's own bound is not sent
    const [short, cancel] = withTimeout(background(), 150);
    await expect(client(url, { ...sumMethod, name: "slow" })(short, { a: 1, b: 1 })).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    cancel();
    const started = Date.now();
    await expect(client(url, { ...sumMethod, name: "slow" }, { timeout: 200 })(ctx, { a: 1, b: 1 })).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("leaves no abort listener on the caller's context once its calls end", async () => {
    const [timed, cancel] = withTimeout(background(), 10_000);
    try {
      for (let round = 0; round < 10; round++) await Promise.all(Array.from({ length: 20 }, (_, i) => client(url, sumMethod)(timed, { a: i, b: round })));
      expect(getEventListeners(timed.signal, "abort")).toHaveLength(0);
    } finally {
      cancel();
    }
  });

  it("says unavailable for a server that cannot be reached, internal for an answer that is not JSON-RPC", async () => {
    await expect(client("http://127.0.0.1:1/rpc", sumMethod)(ctx, { a: 1, b: 2 })).rejects.toMatchObject({ code: Code.Unavailable });
    await expect(client(garbageUrl, sumMethod)(ctx, { a: 1, b: 2 })).rejects.toMatchObject({ code: Code.Unavailable, message: expect.stringContaining("502") as unknown });
  });
});

describe("notifier", () => {
  it("sends a notification the server runs without answering", async () => {
    notified.length = 0;
    await notifier(url, sumMethod)(ctx, { a: 7, b: 8 });
    expect(notified).toEqual([{ a: 7, b: 8 }]);
  });
});

describe("batch", () => {
  it("sends calls in one request and gives each call's outcome in order, typed", async () => {
    const send = batch(url);
    const [total, joined, failed] = await send(ctx, [call(sumMethod, { a: 1, b: 2 }), call(concatMethod, { a: "a", b: "b" }), call(failMethod, { code: "not_found" })]);
    expect(total).toEqual({ status: "fulfilled", value: { v: 3 } });
    expect(joined).toEqual({ status: "fulfilled", value: "ab" });
    expect(failed.status).toBe("rejected");
    expect(failed.status === "rejected" && (failed.reason as KitError).code).toBe(Code.NotFound);
  });
});
