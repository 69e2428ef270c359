import { Code, KitError, timeRemaining, type Context, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { albEvent, albMultiEvent, functionUrlEvent, httpEvent, lambdaContext, restEvent } from "../test/fixtures/events.ts";
import { decodeJSON, encodeJSON } from "./codec.ts";
import type { LambdaRequest } from "./request.ts";
import { server, type ServerOutcome } from "./server.ts";

const Sum = z.object({ a: z.number(), b: z.number() });
type SumRequest = z.infer<typeof Sum>;
const sum: Endpoint<SumRequest, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });

/** The JSON body of a result. */
function json(result: { body: string; isBase64Encoded: boolean }): unknown {
  return JSON.parse(result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body);
}

/** A server whose endpoint records the request it saw and sets two cookies. */
function recording(): { seen: LambdaRequest[]; handler: ReturnType<typeof server<SumRequest, { v: number }>> } {
  const seen: LambdaRequest[] = [];
  const handler = server(sum, decodeJSON(Sum), encodeJSON, {
    before: [(ctx, req) => {
      seen.push(req);
      return ctx;
    }],
    after: [(ctx, res) => {
      res.headers.append("set-cookie", "a=1; Path=/");
      res.headers.append("set-cookie", "b=2; Path=/");
      res.headers.set("x-kit", "yes");
      return ctx;
    }],
  });
  return { seen, handler };
}

describe("server: event shapes", () => {
  it("answers a REST API event with multi-value headers, its query and cookies read", async () => {
    const { seen, handler } = recording();
    const result = await handler(restEvent(), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(json(result)).toEqual({ v: 3 });
    expect(result.isBase64Encoded).toBe(false);
    expect(result.multiValueHeaders).toEqual({
      "content-type": ["application/json; charset=utf-8"],
      "x-kit": ["yes"],
      "set-cookie": ["a=1; Path=/", "b=2; Path=/"],
    });
    expect(result.cookies).toBeUndefined();
    const req = seen[0];
    expect(req?.kind).toBe("rest");
    expect(req?.method).toBe("POST");
    expect(req?.headers.get("header1")).toBe("value1, value2");
    expect(req?.query.getAll("x")).toEqual(["1", "2"]);
    expect(req?.cookies).toEqual(["s=1", "t=2"]);
  });

  it("reads each cookie of repeated cookie headers", async () => {
    const { seen, handler } = recording();
    await handler({ ...restEvent(), multiValueHeaders: { Cookie: ["a=1; b=2", "c=3"] } }, lambdaContext());
    expect(seen[0]?.cookies).toEqual(["a=1", "b=2", "c=3"]);
  });

  it("answers an HTTP API (payload 2.0) event with the cookies array", async () => {
    const { seen, handler } = recording();
    const result = await handler(httpEvent(), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(json(result)).toEqual({ v: 3 });
    expect(result.cookies).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(result.headers).toEqual({ "content-type": "application/json; charset=utf-8", "x-kit": "yes" });
    expect(result.multiValueHeaders).toBeUndefined();
    const req = seen[0];
    expect(req?.kind).toBe("http");
    expect(req?.path).toBe("/sum");
    expect(req?.query.getAll("x")).toEqual(["1", "2"]);
    expect(req?.query.get("q")).toBe("a b");
    expect(req?.cookies).toEqual(["cookie1=1", "cookie2=2"]);
    expect(req?.headers.get("cookie")).toBe("cookie1=1; cookie2=2");
    expect(req?.pathParameters).toEqual({ id: "7" });
  });

  it("answers a function URL event like an HTTP API event", async () => {
    const { seen, handler } = recording();
    const result = await handler(functionUrlEvent(), lambdaContext());
    expect(json(result)).toEqual({ v: 3 });
    expect(result.cookies).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(seen[0]?.cookies).toEqual(["session=abc"]);
  });

  it("answers an ALB event with a status description, its encoded query decoded", async () => {
    const { seen, handler } = recording();
    const result = await handler(albEvent(), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(result.statusDescription).toBe("200 OK");
    expect(json(result)).toEqual({ v: 3 });
    // Without multi-value headers an ALB result holds one value per header: the first cookie.
    expect(result.headers?.["set-cookie"]).toBe("a=1; Path=/");
    expect(result.multiValueHeaders).toBeUndefined();
    expect(seen[0]?.kind).toBe("alb");
    expect(seen[0]?.query.get("q")).toBe("a b");
  });

  it("answers an ALB event with multi-value headers on with multi-value headers", async () => {
    const { seen, handler } = recording();
    const result = await handler(albMultiEvent(), lambdaContext());
    expect(result.multiValueHeaders?.["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(result.headers).toBeUndefined();
    expect(seen[0]?.headers.get("header1")).toBe("value1, value2");
    expect(seen[0]?.query.getAll("x")).toEqual(["1", "2"]);
  });
});

describe("server: bodies", () => {
  it("decodes a base64 body (isBase64Encoded) on every shape", async () => {
    const { handler } = recording();
    const b64 = Buffer.from('{"a":20,"b":22}').toString("base64");
    for (const event of [restEvent(b64, true), httpEvent(b64, true), albEvent(b64, true)]) {
      expect(json(await handler(event, lambdaContext()))).toEqual({ v: 42 });
    }
  });

  it("sends a byte body base64-encoded, a text body as it is", async () => {
    const bytes = new Uint8Array([0, 255, 1, 254]);
    const binary = server<unknown, Uint8Array>(() => Promise.resolve(bytes), () => undefined, (_ctx, res, body) => {
      res.headers.set("content-type", "application/octet-stream");
      res.body = body;
    });
    const result = await binary(httpEvent(), lambdaContext());
    expect(result.isBase64Encoded).toBe(true);
    expect([...Buffer.from(result.body, "base64")]).toEqual([0, 255, 1, 254]);
    const empty = await server<unknown, undefined>(() => Promise.resolve(undefined), () => undefined, encodeJSON)(restEvent(), lambdaContext());
    expect([empty.statusCode, empty.body, empty.isBase64Encoded]).toEqual([204, "", false]);
  });

  it("refuses a body that is not the base64 its event says it is: 400 invalid_argument naming body", async () => {
    const { handler } = recording();
    for (const event of [restEvent("not*base64!", true), httpEvent("%%%%", true), albEvent("abc=d", true)]) {
      const result = await handler(event, lambdaContext());
      expect(result.statusCode).toBe(400);
      expect(json(result)).toMatchObject({ code: "invalid_argument", details: { field: "body" } });
    }
  });

  it("refuses a body the schema refuses: 400 invalid_argument", async () => {
    const { handler } = recording();
    const result = await handler(httpEvent('{"a":"x"}'), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(json(result)).toMatchObject({ code: "invalid_argument" });
  });
});

describe("server: malformed events", () => {
  const cases: [string, unknown, string][] = [
    ["null", null, "event"],
    ["a string", "GET /", "event"],
    ["an array", [1, 2], "event"],
    ["no requestContext", { httpMethod: "GET", path: "/" }, "requestContext"],
    ["a v2 event without requestContext.http", { ...httpEvent(), requestContext: { accountId: "1" } }, "requestContext.http"],
    ["a REST event without httpMethod", { ...restEvent(), httpMethod: undefined }, "httpMethod"],
    ["a header that is not a string", { ...httpEvent(), headers: { a: 1 } }, "headers.a"],
    ["a header name HTTP does not allow", { ...httpEvent(), headers: { "bad name": "x" } }, "headers.bad name"],
    ["a header value with a line break", { ...restEvent(), multiValueHeaders: { a: ["x\r\ny: z"] } }, "multiValueHeaders.a"],
    ["a cookie with a line break", { ...httpEvent(), cookies: ["a=1\r\nx: y"] }, "cookies"],
    ["multi-value headers that are not arrays", { ...restEvent(), multiValueHeaders: { a: "b" } }, "multiValueHeaders.a"],
    ["isBase64Encoded not a boolean", { ...httpEvent(), isBase64Encoded: "yes" }, "isBase64Encoded"],
    ["a body that is not a string", { ...restEvent(), body: { a: 1 } }, "body"],
  ];
  it.each(cases)("answers %s with 400 invalid_argument naming the field, never a rejection", async (_name, event, field) => {
    const errors: KitError[] = [];
    const outcomes: ServerOutcome[] = [];
    const handler = server(sum, decodeJSON(Sum), encodeJSON, {
      errorHandler: { handle: (_ctx, err) => errors.push(err) },
      finalizer: [(_ctx, outcome) => {
        outcomes.push(outcome);
      }],
    });
    const result = await handler(event, lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(json(result)).toMatchObject({ code: "invalid_argument", details: { field } });
    expect(errors.map((e) => e.code)).toEqual(["invalid_argument"]);
    expect(outcomes[0]?.status).toBe(400);
    expect(outcomes[0]?.request).toBeUndefined();
  });

  it("answers without a context object (a handler called by hand)", async () => {
    const { handler } = recording();
    expect(json(await handler(httpEvent()))).toEqual({ v: 3 });
  });
});

describe("server: errors", () => {
  it("answers a KitError with its code's status and the Kit error body", async () => {
    const handler = server(() => Promise.reject(new KitError(Code.NotFound, "no such sum")), () => undefined, encodeJSON);
    const result = await handler(httpEvent(), lambdaContext());
    expect(result.statusCode).toBe(404);
    expect(json(result)).toEqual({ code: "not_found", message: "no such sum" });
    expect(result.headers?.["content-type"]).toBe("application/json; charset=utf-8");
  });

  it("answers a plain Error as internal with a generic message; its text goes to the error handler only", async () => {
    const seen: string[] = [];
    const handler = server(() => Promise.reject(new Error("db-3 refused")), () => undefined, encodeJSON, {
      errorHandler: { handle: (_ctx, err) => seen.push(err.message) },
    });
    const result = await handler(restEvent(), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(json(result)).toEqual({ code: "internal", message: "internal error" });
    expect(seen).toEqual(["db-3 refused"]);
    const exposed = await server(() => Promise.reject(new Error("db-3 refused")), () => undefined, encodeJSON, { exposeErrors: true })(restEvent(), lambdaContext());
    expect(json(exposed)).toEqual({ code: "internal", message: "db-3 refused" });
  });

  it("drops what a failing encoder half-wrote and answers the error alone", async () => {
    const handler = server(sum, decodeJSON(Sum), (_ctx, res) => {
      res.headers.set("x-half", "1");
      res.body = "half";
      throw new KitError(Code.DataLoss, "lost");
    });
    const result = await handler(httpEvent(), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(json(result)).toEqual({ code: "data_loss", message: "lost" });
    expect(result.headers?.["x-half"]).toBeUndefined();
  });
});

describe("server: deadlines", () => {
  const hanging: Endpoint<unknown, unknown> = () => new Promise(() => undefined);

  it("gives the endpoint the invocation's remaining time, less reserve, as its deadline", async () => {
    let left: number | undefined;
    const handler = server((ctx: Context) => {
      left = timeRemaining(ctx);
      return Promise.resolve({});
    }, () => undefined, encodeJSON, { reserve: 100 });
    await handler(httpEvent(), lambdaContext(5_000));
    expect(left).toBeGreaterThan(4_000);
    expect(left).toBeLessThanOrEqual(4_900);
  });

  it("answers 504 deadline_exceeded when the invocation's time runs out, without waiting for the endpoint", async () => {
    const result = await server(hanging, () => undefined, encodeJSON, { reserve: 0 })(httpEvent(), lambdaContext(50));
    expect(result.statusCode).toBe(504);
    expect(json(result)).toMatchObject({ code: "deadline_exceeded" });
  });

  it("keeps what an abandoned request still writes out of its 504", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const handler = server(sum, decodeJSON(Sum), encodeJSON, {
      after: [async (ctx, res) => {
        await sleep(300); // past the deadline: the 504 is being answered meanwhile
        res.headers.set("x-late", "1");
        res.statusCode = 201;
        return ctx;
      }],
      finalizer: [async () => {
        await sleep(600); // the late write lands before the result is made
      }],
    });
    const timed = { ...httpEvent(), headers: { "content-type": "application/json", "kit-timeout": "100" } };
    const result = await handler(timed, lambdaContext());
    expect(result.statusCode).toBe(504);
    expect(result.headers?.["x-late"]).toBeUndefined();
  });

  it("honours a sooner kit-timeout header, and refuses a malformed one with 400", async () => {
    const timed = { ...httpEvent(), headers: { "content-type": "application/json", "kit-timeout": "30" } };
    const result = await server(hanging, () => undefined, encodeJSON)(timed, lambdaContext(60_000));
    expect(result.statusCode).toBe(504);
    const bad = { ...restEvent(), multiValueHeaders: { "kit-timeout": ["soon"] } };
    const refused = await server(sum, decodeJSON(Sum), encodeJSON)(bad, lambdaContext());
    expect(refused.statusCode).toBe(400);
    expect(json(refused)).toMatchObject({ code: "invalid_argument" });
  });
});
