// addsvc over a real socket: start() on 127.0.0.1:0, called by the Kit client and by requests
// shaped like Go kit's client, curl and its wiring_test.go. The contract is GO-KIT-COMPAT.md.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, isKitError, withTimeout, type KitError } from "@kit/endpoint";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { start, type App } from "../src/app.ts";
import { httpClient } from "../src/demo-clients.ts";
import { raw, recorder } from "./support.ts";

let app: App;
let logger: ReturnType<typeof recorder>;

beforeEach(async () => {
  logger = recorder();
  app = await start({ http: "127.0.0.1:0", grpc: "127.0.0.1:0", logger });
});

afterEach(async () => {
  await app.close();
});

/** What a call threw, or fails the test if it did not. */
async function thrown(call: Promise<unknown>): Promise<KitError> {
  const err: unknown = await call.then(
    (v: unknown) => `resolved with ${JSON.stringify(v)}`,
    (e: unknown) => e,
  );
  if (!isKitError(err)) throw new Error(`expected a KitError, got ${String(err)}`);
  return err;
}

describe("the Kit HTTP client against addsvc", () => {
  it("sums and concatenates", async () => {
    const svc = httpClient(app.url);
    const [ctx, cancel] = withTimeout(background(), 2_000);
    try {
      expect(await svc.sum(ctx, 2, 3)).toBe(5);
      expect(await svc.sum(ctx, -7, 0)).toBe(-7);
      expect(await svc.concat(ctx, "kit", "go")).toBe("kitgo");
      expect(await svc.concat(ctx, "", "")).toBe("");
    } finally {
      cancel();
    }
  });

  it("takes host:port without a scheme, as Go kit's client does", async () => {
    expect(await httpClient(app.addr).sum(background(), 1, 2)).toBe(3);
  });

  it.each([
    { call: "sum(0, 0)", run: (url: string) => httpClient(url).sum(background(), 0, 0), code: Code.InvalidArgument, message: "can't sum two zeroes" },
    { call: "sum(intMax, 1)", run: (url: string) => httpClient(url).sum(background(), 2 ** 31 - 1, 1), code: Code.OutOfRange, message: "integer overflow" },
    { call: "concat 11 bytes", run: (url: string) => httpClient(url).concat(background(), "hello", "world!"), code: Code.OutOfRange, message: "result exceeds maximum size" },
  ])("turns $call into a KitError $code with Go kit's message", async ({ run, code, message }) => {
    const err = await thrown(run(app.url));
    expect([err.code, err.message]).toEqual([code, message]);
  });

  it("is unavailable when nothing listens", async () => {
    const url = app.url;
    await app.close();
    const err = await thrown(httpClient(url).sum(background(), 1, 2));
    expect(err.code).toBe(Code.Unavailable);
  });
});

describe("the wire, as Go kit's peers see it", () => {
  it("answers Go kit's client, which sends {\"A\":1,\"B\":2}\\n and no content-type, with exactly 200 {\"v\":3}", async () => {
    // A Uint8Array body, so fetch adds no content-type either.
    const res = await fetch(`${app.url}/sum`, { method: "POST", body: new TextEncoder().encode('{"A":1,"B":2}\n') });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.text()).toBe('{"v":3}\n');
  });

  it("concatenates {\"A\":\"1\",\"B\":\"2\"} into {\"v\":\"12\"}", async () => {
    const res = await raw(`${app.url}/concat`, { body: '{"A":"1","B":"2"}\n' });
    expect([res.status, res.body]).toEqual([200, '{"v":"12"}\n']);
  });

  it("serves any method: GET with a lowercase body, as Go kit's wiring_test.go sends", async () => {
    const res = await raw(`${app.url}/sum`, { method: "GET", body: '{"a":1,"b":2}' });
    expect([res.status, res.body]).toEqual([200, '{"v":3}\n']);
  });

  it("reads curl -d's form content-type as JSON, as Go kit's decoder does", async () => {
    const res = await raw(`${app.url}/sum`, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: '{"a":2,"b":3}' });
    expect([res.status, res.body]).toEqual([200, '{"v":5}\n']);
  });

  it("ignores the query string, as Go's ServeMux matches on the path", async () => {
    const res = await raw(`${app.url}/sum?debug=1`, { body: '{"a":2,"b":3}' });
    expect([res.status, res.body]).toEqual([200, '{"v":5}\n']);
  });

  it.each([
    { path: "/sum", body: '{"a":0,"b":0}', error: "can't sum two zeroes", code: "invalid_argument" },
    { path: "/sum", body: '{"A":2147483647,"B":1}', error: "integer overflow", code: "out_of_range" },
    { path: "/concat", body: '{"A":"hello","B":"world!"}', error: "result exceeds maximum size", code: "out_of_range" },
  ])("answers $error with Go kit's 400 and a body both kinds of client read", async ({ path, body, error, code }) => {
    const res = await raw(app.url + path, { body });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(res.body)).toStrictEqual({ error, code, message: error });
  });

  it("answers malformed JSON 400 invalid_argument naming the problem, and keeps serving", async () => {
    const bad = await raw(`${app.url}/sum`, { body: '{"a":1,' });
    expect(bad.status).toBe(400);
    const body = JSON.parse(bad.body) as { error: string; code: string; message: string };
    expect(body.code).toBe("invalid_argument");
    expect(body.error).toMatch(/^malformed JSON: /);
    expect(body.message).toBe(body.error);

    const empty = await raw(`${app.url}/sum`, { body: "" });
    expect([empty.status, (JSON.parse(empty.body) as { error: string }).error]).toEqual([400, "malformed JSON: Unexpected end of JSON input"]);

    const good = await raw(`${app.url}/sum`, { body: '{"a":1,"b":2}' });
    expect([good.status, good.body]).toEqual([200, '{"v":3}\n']);
  });

  it("answers a wrong type 400 with Go's own message (Go kit: 500)", async () => {
    const res = await raw(`${app.url}/sum`, { body: '{"a":1.5,"b":2}' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      code: "invalid_argument",
      error: "json: cannot unmarshal number 1.5 into Go struct field SumRequest.A of type int",
    });
  });

  it.each(["/", "/sum/", "/Sum", "/add", "/concat/x"])("answers %s 404 with a JSON error body", async (path) => {
    const res = await raw(app.url + path, { body: '{"a":1,"b":2}' });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ code: "not_found", error: expect.stringContaining("404 page not found") as unknown });
  });

  it("refuses a body over 1 MiB with 413 resource_exhausted, in the same error shape", async () => {
    const res = await raw(`${app.url}/sum`, { body: `{"a":1,"b":2,"pad":"${"x".repeat(1024 * 1024)}"}` });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: "resource_exhausted", error: "request body is larger than 1048576 bytes" });
  });

  it("logs each call (logging middleware) and each error (error handler)", async () => {
    await raw(`${app.url}/sum`, { body: '{"a":1,"b":2}' });
    await raw(`${app.url}/sum`, { body: '{"a":0,"b":0}' });
    await raw(`${app.url}/sum`, { body: "{" });
    const lines = logger.lines.slice(2); // after the startup lines
    expect(logger.lines[0]).toEqual(["transport", "HTTP", "addr", app.addr]);
    expect(logger.lines[1]).toEqual(["transport", "gRPC", "addr", app.grpcAddr]);
    expect(lines.map((line) => line.slice(0, 4))).toEqual([
      ["method", "sum", "err", null],
      ["method", "sum", "err", expect.objectContaining({ message: "can't sum two zeroes" })],
      ["err", expect.objectContaining({ message: "can't sum two zeroes" }), "code", "invalid_argument"],
      ["err", expect.objectContaining({ code: "invalid_argument" }), "code", "invalid_argument"],
    ]);
  });
});

describe("the Kit HTTP client against a Go kit addsvc", () => {
  // What Go kit's addtransport/http.go answers: {"v":…}\n on success; on error the status of
  // err2code and {"error": msg}\n with no content-type (net/http sniffs text/plain).
  let goKit: http.Server;
  let goKitUrl: string;
  const received: unknown[] = [];

  beforeEach(async () => {
    received.length = 0;
    goKit = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { a: unknown; b: unknown };
        received.push(body);
        const answer = (status: number, json: unknown): void => {
          res.writeHead(status, status === 200 ? { "content-type": "application/json; charset=utf-8" } : { "content-type": "text/plain; charset=utf-8" });
          res.end(`${JSON.stringify(json)}\n`);
        };
        if (body.a === 0 && body.b === 0) answer(400, { error: "can't sum two zeroes" });
        else if (body.a === 2 ** 31 - 1) answer(400, { error: "integer overflow" });
        else if (body.a === 42) answer(500, { error: "rate limit exceeded" });
        else if (req.url === "/concat") answer(200, { v: String(body.a) + String(body.b) });
        else answer(200, { v: Number(body.a) + Number(body.b) });
      });
    });
    await new Promise<void>((resolve) => goKit.listen(0, "127.0.0.1", resolve));
    goKitUrl = `http://127.0.0.1:${String((goKit.address() as AddressInfo).port)}`;
  });

  afterEach(async () => {
    goKit.closeAllConnections();
    await new Promise((resolve) => goKit.close(resolve));
  });

  it("gets results, sending a body Go's case-folding decoder reads", async () => {
    const svc = httpClient(goKitUrl);
    expect(await svc.sum(background(), 1, 2)).toBe(3);
    expect(await svc.concat(background(), "1", "2")).toBe("12");
    expect(received).toEqual([{ a: 1, b: 2 }, { a: "1", b: "2" }]);
  });

  it("turns Go kit's {\"error\": msg} into the same KitError a Kit server gives", async () => {
    const svc = httpClient(goKitUrl);
    const zeroes = await thrown(svc.sum(background(), 0, 0));
    expect([zeroes.code, zeroes.message]).toEqual([Code.InvalidArgument, "can't sum two zeroes"]);
    const overflow = await thrown(svc.sum(background(), 2 ** 31 - 1, 1));
    expect([overflow.code, overflow.message]).toEqual([Code.OutOfRange, "integer overflow"]);
  });

  it("gives any other Go kit error the code of its status and its message", async () => {
    const err = await thrown(httpClient(goKitUrl).sum(background(), 42, 1));
    expect([err.code, err.message, err.details]).toEqual([Code.Internal, "rate limit exceeded", { status: 500 }]);
  });
});

describe("the Kit HTTP client against a server that breaks the contract", () => {
  it("calls a 2xx body without {\"v\": integer} the server's fault: internal", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"value":3}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      const err = await thrown(httpClient(url).sum(background(), 1, 2));
      expect(err.code).toBe(Code.Internal);
      expect(err.message).toMatch(/want \{"v": an integer\}, got no v$/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
