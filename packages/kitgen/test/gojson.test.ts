// Go's `encoding/json` through the generated code (@goJSON): requests over HTTP (whatever their
// content-type), JSON-RPC and the memory transport fill the request as Go fills Go kit's request
// structs, refuse a wrong type with Go's own message, and results come back by Go kit's rules.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { background, Code, withTimeout } from "@kit/endpoint";
import { validate } from "@kit/transport";
import { MemoryBroker } from "@kit/transport-memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adderClient, makeEndpoints } from "./fixtures/gojson/generated/adder.endpoints.ts";
import { httpHandler, httpTransport } from "./fixtures/gojson/generated/adder.http.ts";
import { jsonRpcHandler, jsonRpcTransport } from "./fixtures/gojson/generated/adder.jsonrpc.ts";
import { memorySubscribers, memoryTransport } from "./fixtures/gojson/generated/adder.memory.ts";
import { concatRequest, scaleRequest, sumResponse } from "./fixtures/gojson/generated/adder.validators.ts";
import { Adder } from "./fixtures/gojson/service.ts";
import { kitgen } from "./support/run.ts";

const endpoints = makeEndpoints(new Adder());
const quiet = { handle: () => undefined }; // the errors answered here are the ones the tests ask for
const broker = new MemoryBroker();
const subscribers = memorySubscribers(broker, endpoints, { subscriber: { errorHandler: quiet } });
let httpServer: Server;
let rpcServer: Server;
let url = "";
let rpcUrl = "";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  httpServer = createServer(httpHandler(endpoints, { errorHandler: quiet }));
  rpcServer = createServer(jsonRpcHandler(endpoints, { errorHandler: quiet }));
  url = await listen(httpServer);
  rpcUrl = await listen(rpcServer);
});
afterAll(async () => {
  await subscribers.close();
  await new Promise((resolve) => httpServer.close(resolve));
  await new Promise((resolve) => rpcServer.close(resolve));
});

function ctx() {
  return withTimeout(background(), 5_000)[0];
}

/** POSTs `body` as it is, with `contentType` (a Go kit client sends none, curl a form type). */
async function post(path: string, body: string, contentType?: string): Promise<[number, unknown]> {
  const response = await fetch(`${url}${path}`, { method: "POST", body, ...(contentType === undefined ? {} : { headers: { "content-type": contentType } }) });
  return [response.status, await response.json()];
}

async function call(body: string): Promise<unknown> {
  const response = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
  return response.json();
}

describe("@goJSON over HTTP", () => {
  it("reads the body whatever its content-type, keys in any case, the last match winning", async () => {
    expect(await post("/sum", '{"A":1,"B":2}')).toEqual([200, { v: 3 }]);
    expect(await post("/sum", '{"a":1,"B":2,"extra":true}', "application/x-www-form-urlencoded")).toEqual([200, { v: 3 }]);
    expect(await post("/sum", '{"a":1,"A":5,"b":1}', "application/json")).toEqual([200, { v: 6 }]);
  });

  it("leaves a missing or null field, and a null body, at Go's zero value", async () => {
    expect(await post("/sum", '{"a":3}')).toEqual([200, { v: 3 }]);
    expect(await post("/concat", '{"a":null,"B":"go"}')).toEqual([200, { v: "go" }]);
    expect(await post("/scale", '{"x":1.5}')).toEqual([200, { v: 1.5 }]);
    expect(await post("/sum", "null")).toEqual([400, expect.objectContaining({ code: Code.InvalidArgument, message: "can't sum two zeroes" })]);
  });

  it("refuses a value of the wrong type with Go's own message, naming the Go field", async () => {
    const refused = (message: string): [number, unknown] => [400, expect.objectContaining({ code: Code.InvalidArgument, message })];
    expect(await post("/sum", '{"a":1.5,"b":2}')).toEqual(refused("json: cannot unmarshal number 1.5 into Go struct field SumRequest.A of type int"));
    expect(await post("/sum", '{"a":1,"B":"2"}')).toEqual(refused("json: cannot unmarshal string into Go struct field SumRequest.B of type int"));
    expect(await post("/scale", '{"x":"1"}')).toEqual(refused("json: cannot unmarshal string into Go struct field ScaleRequest.X of type float64"));
    expect(await post("/scale", '{"x":1,"negative":"yes"}')).toEqual(refused("json: cannot unmarshal string into Go struct field ScaleRequest.Negative of type bool"));
    expect(await post("/concat", '{"a":["x"]}')).toEqual(refused("json: cannot unmarshal array into Go struct field ConcatRequest.A of type string"));
    expect(await post("/sum", "[1,2]")).toEqual(refused("json: cannot unmarshal array into Go value of type addendpoint.SumRequest"));
    expect(await post("/sum", '"1+2"')).toEqual(refused("json: cannot unmarshal string into Go value of type addendpoint.SumRequest"));
  });

  it("gives the client the result out of its field", async () => {
    const svc = adderClient(httpTransport(url));
    expect([await svc.sum(ctx(), 2, 3), await svc.concat(ctx(), "kit", "go"), await svc.scale(ctx(), 2.5, true)]).toEqual([5, "kitgo", -2.5]);
  });
});

describe("@jsonErrorField over HTTP", () => {
  it("answers an error with its message under error too, then Kit's code and message", async () => {
    const response = await fetch(`${url}/sum`, { method: "POST", body: '{"a":0,"b":0}' });
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([
      400,
      "application/json; charset=utf-8",
      '{"error":"can\'t sum two zeroes","code":"invalid_argument","message":"can\'t sum two zeroes"}',
    ]);
  });

  it("reads a body with only error as that message, with the code errorCode gives it or else the status's", async () => {
    const goKit = createServer((req, res) => {
      const message = req.url === "/sum" ? "integer overflow" : "rate limit exceeded";
      res.writeHead(req.url === "/sum" ? 400 : 503, { "content-type": "application/json" }).end(JSON.stringify({ error: message }));
    });
    const goKitUrl = await listen(goKit);
    try {
      const errorCode = (message: string): Code | undefined => (message === "integer overflow" ? Code.OutOfRange : undefined);
      const svc = adderClient(httpTransport(goKitUrl, { errorCode }));
      await expect(svc.sum(ctx(), 1, 2)).rejects.toMatchObject({ code: Code.OutOfRange, message: "integer overflow", details: { status: 400 } });
      await expect(svc.concat(ctx(), "a", "b")).rejects.toMatchObject({ code: Code.Unavailable, message: "rate limit exceeded", details: { status: 503 } });
      await expect(adderClient(httpTransport(goKitUrl)).sum(ctx(), 1, 2)).rejects.toMatchObject({ code: Code.InvalidArgument, message: "integer overflow" });
      await expect(adderClient(httpTransport(url)).sum(ctx(), 0, 0)).rejects.toMatchObject({ code: Code.InvalidArgument, message: "can't sum two zeroes" });
    } finally {
      await new Promise((resolve) => goKit.close(resolve));
    }
  });

  it("refuses a field that would clash with Kit's own", () => {
    const dir = mkdtempSync(join(tmpdir(), "kitgen-errorfield-"));
    try {
      const file = join(dir, "clash.ts");
      writeFileSync(file, "type Context = { readonly signal: AbortSignal };\n/** @jsonErrorField code */\nexport interface ClashService {\n  ping(ctx: Context): Promise<void>;\n}\n");
      const run = kitgen("gen", file, "--out", join(dir, "out"));
      expect([run.status, run.err.replaceAll(file, "FILE")]).toEqual([1, 'kitgen: FILE: ClashService: @jsonErrorField code would clash with Kit\'s own code; name another field, such as "error"\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("@goJSON over JSON-RPC and the memory transport", () => {
  it("takes params as sent: by name in any case; an array or none is invalid_argument, with Go's message alone", async () => {
    expect(await call('{"jsonrpc":"2.0","method":"adder.sum","params":{"A":2,"b":3},"id":1}')).toEqual({ jsonrpc: "2.0", result: { v: 5 }, id: 1 });
    expect(await call('{"jsonrpc":"2.0","method":"adder.sum","params":[2,3],"id":2}')).toEqual({
      jsonrpc: "2.0",
      error: { code: -32602, message: "json: cannot unmarshal array into Go value of type addendpoint.SumRequest", data: { code: Code.InvalidArgument } },
      id: 2,
    });
    expect(await call('{"jsonrpc":"2.0","method":"adder.concat","id":3}')).toMatchObject({ error: { code: -32602, message: "params: required" } });
    const svc = adderClient(jsonRpcTransport(rpcUrl));
    expect(await svc.concat(ctx(), "kit", "go")).toBe("kitgo");
  });

  it("serves and calls every method over the memory transport", async () => {
    const svc = adderClient(memoryTransport(broker));
    expect([await svc.sum(ctx(), 2, 3), await svc.concat(ctx(), "a", "b"), await svc.scale(ctx(), 1, false)]).toEqual([5, "ab", 1]);
  });

  it("checks a request as a message transport decodes it", async () => {
    await expect(validate(concatRequest, { B: "go" })).resolves.toEqual({ a: "", b: "go" });
    await expect(validate(scaleRequest, { X: 2, NEGATIVE: true })).resolves.toEqual({ x: 2, negative: true });
    await expect(validate(scaleRequest, { x: {} })).rejects.toMatchObject({ message: "json: cannot unmarshal object into Go struct field ScaleRequest.X of type float64" });
  });
});

describe("@goJSON results", () => {
  it("reads the result field in any case and names what a bad reply lacks", async () => {
    await expect(validate(sumResponse, { V: 3 })).resolves.toBe(3);
    await expect(validate(sumResponse, { value: 3 })).rejects.toMatchObject({ message: 'want {"v": an integer}, got no v' });
    await expect(validate(sumResponse, { v: "3" })).rejects.toMatchObject({ message: 'want {"v": an integer}, got "3"' });
    await expect(validate(sumResponse, [3])).rejects.toMatchObject({ message: 'want {"v": an integer}, got no v' });
  });
});

describe("@goJSON on a service it cannot describe", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitgen-gojson-"));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses an argument that is not a string, a number or a boolean, naming it", () => {
    const file = join(dir, "nested.ts");
    const source = "type Context = { readonly signal: AbortSignal };\n/** @goJSON pb */\nexport interface NestedService {\n  put(ctx: Context, items: string[]): Promise<void>;\n}\n";
    writeFileSync(file, source);
    const run = kitgen("gen", file, "--out", join(dir, "out"));
    expect(run.status).toBe(1);
    expect(run.err.replaceAll(file, "FILE")).toBe("FILE:4:21: put: @goJSON takes arguments that are strings, numbers or booleans; items is not\n");
  });
});
