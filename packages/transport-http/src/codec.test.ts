import { background } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { failure } from "../test/support/failure.ts";
import { closeAll, listen, postJSON } from "../test/support/listen.ts";
import { client } from "./client.ts";
import { decodeJSON, decodeJSONResponse, encodeJSON, encodeJSONRequest } from "./codec.ts";
import { server } from "./server.ts";

afterEach(closeAll);

const echo = (_ctx: unknown, req: unknown): Promise<unknown> => Promise.resolve({ got: req });

describe("decodeJSON", () => {
  it("reads a JSON body, and reads one without content-type or with a +json type", async () => {
    const { url } = await listen(server(echo, decodeJSON(), encodeJSON));
    expect((await postJSON(url, '{"a":[1,"x"]}')).body).toEqual({ got: { a: [1, "x"] } });
    const untyped = await fetch(url, { method: "POST", body: new TextEncoder().encode("[1]") }); // no content-type
    expect(await untyped.json()).toEqual({ got: [1] });
    expect((await postJSON(url, "2", { "content-type": "application/merge-patch+json" })).body).toEqual({ got: 2 });
  });

  it("answers malformed JSON with 400 invalid_argument naming the problem", async () => {
    const { url } = await listen(server(echo, decodeJSON(), encodeJSON));
    const res = await postJSON(url, '{"a":1,}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_argument" });
    expect((res.body as { message: string }).message).toMatch(/^malformed JSON: .*position 7/);
    expect((await postJSON(url, "")).body).toEqual({ code: "invalid_argument", message: "malformed JSON: Unexpected end of JSON input" });
  });

  it("answers a content-type that is not JSON with 415 invalid_argument", async () => {
    const { url } = await listen(server(echo, decodeJSON(), encodeJSON));
    const res = await fetch(url, { method: "POST", body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      code: "invalid_argument",
      message: 'unsupported content-type "application/x-www-form-urlencoded": want application/json',
    });
  });

  it("checks the body with a schema and answers 400 with each issue's path and message", async () => {
    const { url } = await listen(server(echo, decodeJSON(z.object({ a: z.number(), tags: z.array(z.string()) })), encodeJSON));
    expect((await postJSON(url, '{"a":1,"tags":["x"]}')).body).toEqual({ got: { a: 1, tags: ["x"] } });
    const res = await postJSON(url, '{"a":"1","tags":[2]}');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: "invalid_argument",
      message: "a: Invalid input: expected number, received string; tags[0]: Invalid input: expected string, received number",
      details: {
        issues: [
          { path: ["a"], message: "Invalid input: expected number, received string" },
          { path: ["tags", 0], message: "Invalid input: expected string, received number" },
        ],
      },
    });
  });

  it("hands the endpoint the schema's output, transforms included", async () => {
    let got: unknown;
    const decode = decodeJSON(z.object({ when: z.string().transform((s) => new Date(s)) }));
    const { url } = await listen(
      server(
        (_ctx, req: { when: Date }) => {
          got = req.when;
          return Promise.resolve({});
        },
        decode,
        encodeJSON,
      ),
    );
    await postJSON(url, '{"when":"2026-01-02T03:04:05Z"}');
    expect(got).toEqual(new Date("2026-01-02T03:04:05Z"));
  });
});

describe("encodeJSON", () => {
  it("writes 200 JSON with a charset and a content-length, keeping a status set by an after hook", async () => {
    const { url } = await listen(
      server(() => Promise.resolve({ id: "é" }), decodeJSON(), encodeJSON, {
        after: [
          (ctx, res) => {
            res.statusCode = 201;
            return ctx;
          },
        ],
      }),
    );
    const res = await postJSON(url, "{}");
    expect([res.status, res.type, res.headers.get("content-length"), res.body]).toEqual([201, "application/json; charset=utf-8", "12", { id: "é" }]);
  });

  it("ends the body with a newline, as Go's json.Encoder (Go kit's EncodeJSONResponse) does", async () => {
    const { url } = await listen(server(() => Promise.resolve({ v: 3 }), decodeJSON(), encodeJSON));
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await res.text()).toBe('{"v":3}\n');
    expect(res.headers.get("content-length")).toBe("8");
  });

  it("answers 500 internal for a response JSON cannot hold", async () => {
    const { url } = await listen(server(() => Promise.resolve({ n: 1n }), decodeJSON(), encodeJSON));
    const res = await postJSON(url, "{}");
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: "internal" });
  });
});

describe("encodeJSONRequest", () => {
  it("sends the request as JSON with a content-type", async () => {
    const { url } = await listen(server(echo, decodeJSON(), encodeJSON));
    const call = client("POST", url, encodeJSONRequest, decodeJSONResponse());
    expect(await call(background(), { text: "ü", n: [1, 2] })).toEqual({ got: { text: "ü", n: [1, 2] } });
  });
});

describe("encodeJSONRequest bytes", () => {
  it("ends the body with a newline, as Go's json.Encoder (Go kit's EncodeJSONRequest) does", async () => {
    let body = "";
    const { url } = await listen((req, res) => {
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    });
    await client("POST", url, encodeJSONRequest, decodeJSONResponse())(background(), { a: 1, b: 2 });
    expect(body).toBe('{"a":1,"b":2}\n');
  });
});

describe("decodeJSONResponse", () => {
  it("decodes 204 as undefined", async () => {
    const { url } = await listen(server(() => Promise.resolve(undefined), decodeJSON(), encodeJSON));
    expect(await client("POST", url, encodeJSONRequest, decodeJSONResponse())(background(), {})).toBeUndefined();
  });

  it("checks the response with a schema, and blames the server (internal) for one that does not fit", async () => {
    const { url } = await listen(server(() => Promise.resolve({ v: "3" }), decodeJSON(), encodeJSON));
    const err = await failure(client("POST", `${url}/sum`, encodeJSONRequest, decodeJSONResponse(z.object({ v: z.number() })))(background(), {}));
    expect(err.code).toBe("internal");
    expect(err.message).toBe(`invalid response from ${url}/sum: v: Invalid input: expected number, received string`);
    expect(err.details).toEqual({ issues: [{ path: ["v"], message: "Invalid input: expected number, received string" }] });
  });

  it("blames the server (internal) for a 2xx body that is not JSON", async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>");
    });
    const err = await failure(client("GET", url, () => undefined, decodeJSONResponse())(background(), {}));
    expect(err.code).toBe("internal");
    expect(err.message).toMatch(new RegExp(`^invalid response from ${url}/: malformed JSON: `));
  });
});
