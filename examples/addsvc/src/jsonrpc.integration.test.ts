// addsvc over JSON-RPC on a real socket of 127.0.0.1: the server, the client, and the wire a Go
// kit JSON-RPC client sends (methods `sum` and `concat`, params `{"A":…,"B":…}`).
import { background, isKitError, withTimeout } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { client } from "@kit/transport-jsonrpc";
import { afterEach, describe, expect, it } from "vitest";
import { raw, recorder } from "../test/support.ts";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { logErrorHandler } from "@kit/transport";
import { listen } from "@kit/transport-http";
import { jsonRpcClient, jsonRpcNames } from "./demo-clients.ts";
import { jsonRpcHandler } from "./generated/add.jsonrpc.ts";
import { newBasicService } from "./service.ts";

/** A running JSON-RPC server: the URL to post calls to, and `close()`. */
interface JsonRpcServer {
  readonly url: string;
  close(): Promise<void>;
}
const servers: JsonRpcServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(): Promise<{ server: JsonRpcServer; metrics: ReturnType<typeof memory>; logger: ReturnType<typeof recorder> }> {
  const logger = recorder();
  const metrics = memory();
  // addsvc's JSON-RPC wiring, as serveAdd (src/generated/add.serve.ts) does it
  const endpoints = withMiddleware(makeEndpoints(newBasicService()), { logger, metrics });
  const listening = await listen(jsonRpcHandler(endpoints, { names: jsonRpcNames, errorHandler: logErrorHandler(logger) }), { host: "127.0.0.1", port: 0 });
  const server = { url: `${listening.url}/`, close: () => listening.close() };
  servers.push(server);
  return { server, metrics, logger };
}

/** Posts `body` as it is and parses the answer. */
async function post(url: string, body: string): Promise<{ status: number; answer: unknown }> {
  const res = await raw(url, { headers: { "content-type": "application/json" }, body });
  return { status: res.status, answer: res.body === "" ? undefined : (JSON.parse(res.body) as unknown) };
}

async function errorOf(call: Promise<unknown>): Promise<{ code: string; message: string } | undefined> {
  const err: unknown = await call.then(() => undefined, (thrown: unknown) => thrown);
  return isKitError(err) ? { code: err.code, message: err.message } : undefined;
}

describe("addsvc over JSON-RPC", () => {
  it("answers sum and concat through the Kit JSON-RPC client, and brings a business error back with its code", async () => {
    const { server, metrics } = await serve();
    const svc = jsonRpcClient(server.url);
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await svc.sum(ctx, 2, 3)).toBe(5);
      expect(await svc.concat(ctx, "kit", "go")).toBe("kitgo");
      expect(await errorOf(svc.sum(ctx, 0, 0))).toEqual({ code: "invalid_argument", message: "can't sum two zeroes" });
      expect(await errorOf(svc.sum(ctx, 2_147_483_647, 1))).toEqual({ code: "out_of_range", message: "integer overflow" });
      expect(await errorOf(svc.concat(ctx, "hello", "world!"))).toEqual({ code: "out_of_range", message: "result exceeds maximum size" });
    } finally {
      cancel();
    }
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "ok" })).toBe(1);
  });

  it("takes what a Go kit JSON-RPC client sends: method sum, params {\"A\",\"B\"}, result {\"v\"}, in a batch too", async () => {
    const { server } = await serve();
    expect(await post(server.url, '{"jsonrpc":"2.0","method":"sum","params":{"A":1,"B":2},"id":1}')).toEqual({
      status: 200,
      answer: { jsonrpc: "2.0", result: { v: 3 }, id: 1 },
    });
    const batch = await post(
      server.url,
      '[{"jsonrpc":"2.0","method":"concat","params":{"A":"a","B":"b"},"id":"c"},{"jsonrpc":"2.0","method":"sum","params":{"a":0,"b":0},"id":2}]',
    );
    expect(batch.answer).toEqual([
      { jsonrpc: "2.0", result: { v: "ab" }, id: "c" },
      { jsonrpc: "2.0", error: { code: -32003, message: "can't sum two zeroes", data: { code: "invalid_argument" } }, id: 2 },
    ]);
  });

  it("answers bad input with the spec's errors, invalid_argument naming the field, and never crashes", async () => {
    const { server, logger } = await serve();
    const wrongType = await post(server.url, '{"jsonrpc":"2.0","method":"sum","params":{"a":1.5,"b":2},"id":1}');
    expect(wrongType.answer).toMatchObject({
      error: { code: -32602, message: "json: cannot unmarshal number 1.5 into Go struct field SumRequest.A of type int", data: { code: "invalid_argument" } },
      id: 1,
    });
    const noParams = await post(server.url, '{"jsonrpc":"2.0","method":"concat","id":2}');
    expect(noParams.answer).toMatchObject({ error: { code: -32602, data: { code: "invalid_argument" } }, id: 2 });
    expect((noParams.answer as { error: { message: string } }).error.message).toMatch(/params/);
    expect((await post(server.url, '{"jsonrpc":"2.0","method":"add","id":3}')).answer).toMatchObject({ error: { code: -32601 }, id: 3 });
    expect((await post(server.url, '{"jsonrpc":"2.0","method":"sum",')).answer).toMatchObject({ error: { code: -32700 }, id: null });
    expect((await post(server.url, "[]")).answer).toMatchObject({ error: { code: -32600 }, id: null });

    // A Kit client that sends params of the wrong shape gets the code back.
    const badClient = client<unknown, unknown>(server.url, { name: "sum", encode: (_ctx, params) => params, decode: (_ctx, result) => result });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await errorOf(badClient(ctx, [1, 2]))).toEqual({
        code: "invalid_argument",
        message: "json: cannot unmarshal array into Go value of type addendpoint.SumRequest",
      });
    } finally {
      cancel();
    }
    expect(logger.lines.some((line) => line.includes("invalid_argument"))).toBe(true);
    // Still serving.
    expect((await post(server.url, '{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":1},"id":4}')).answer).toMatchObject({ result: { v: 2 } });
  });

  it("is unavailable when no server listens, and deadline_exceeded past the context's deadline", async () => {
    const { server } = await serve();
    const url = server.url;
    await server.close();
    servers.splice(0);
    const [ctx, cancel] = withTimeout(background(), 2_000);
    try {
      expect((await errorOf(jsonRpcClient(url).sum(ctx, 1, 2)))?.code).toBe("unavailable");
    } finally {
      cancel();
    }
    const [expired, cancelExpired] = withTimeout(background(), 0);
    try {
      expect((await errorOf(jsonRpcClient("http://127.0.0.1:9/").sum(expired, 1, 2)))?.code).toBe("deadline_exceeded");
    } finally {
      cancelExpired();
    }
  });
});
