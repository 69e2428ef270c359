import { once } from "node:events";
import http, { type IncomingMessage } from "node:http";
import { Code, contextKey, isKitError, KitError, withValue, type Context, type Endpoint } from "@kit/endpoint";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { aborted, closeAll, deferred, listen, postJSON } from "../test/support/listen.ts";
import { readBody } from "./body.ts";
import { decodeJSON, encodeJSON } from "./codec.ts";
import { server, type DecodeRequest, type ServerOutcome } from "./server.ts";

afterEach(closeAll);

const SumRequest = z.object({ a: z.number(), b: z.number() });
const sum: Endpoint<{ a: number; b: number }, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });

describe("server", () => {
  it("answers with the endpoint's response as JSON", async () => {
    const { url } = await listen(server(sum, decodeJSON(SumRequest), encodeJSON));
    const res = await postJSON(`${url}/sum`, '{"a":2,"b":3}');
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/json; charset=utf-8");
    expect(res.body).toEqual({ v: 5 });
  });

  it("runs before, decode, endpoint, after, encode, then the finalizer, passing the context along", async () => {
    const trace: string[] = [];
    const user = contextKey<string>("user");
    const finished = deferred<ServerOutcome>();
    const handler = server(
      (ctx: Context, req: unknown) => {
        trace.push(`endpoint ${ctx.value(user) ?? "?"} ${JSON.stringify(req)}`);
        return Promise.resolve({ ok: true });
      },
      (ctx, req) => {
        trace.push("decode");
        return decodeJSON()(ctx, req);
      },
      (ctx, response, res) => {
        trace.push("encode");
        encodeJSON(ctx, response, res);
      },
      {
        before: [
          (ctx, req) => {
            trace.push("before 1");
            return withValue(ctx, user, String(req.headers["x-user"]));
          },
          (ctx) => {
            trace.push("before 2");
            return Promise.resolve(ctx);
          },
        ],
        after: [
          (ctx, res) => {
            trace.push("after");
            res.setHeader("x-served-for", ctx.value(user) ?? "?");
            return ctx;
          },
        ],
        finalizer: [
          (ctx, outcome) => {
            trace.push(`finalizer ${ctx.value(user) ?? "?"} ${outcome.status}`);
            finished.resolve(outcome);
          },
        ],
      },
    );
    const { url } = await listen(handler);
    const res = await postJSON(url, '{"n":1}', { "x-user": "ann" });
    const outcome = await finished.promise;
    expect(res.headers.get("x-served-for")).toBe("ann");
    expect(outcome.error).toBeUndefined();
    expect(outcome.request.headers["x-user"]).toBe("ann");
    expect(trace).toEqual(["before 1", "before 2", "decode", 'endpoint ann {"n":1}', "after", "encode", "finalizer ann 200"]);
  });

  it("writes an endpoint's KitError with its code's status and a {code, message} body", async () => {
    const handler = server(
      () => Promise.reject(new KitError(Code.NotFound, "no such sum")),
      decodeJSON(),
      encodeJSON,
    );
    const { url } = await listen(handler);
    const res = await postJSON(url, "{}");
    expect(res.status).toBe(404);
    expect(res.type).toBe("application/json; charset=utf-8");
    expect(res.body).toEqual({ code: "not_found", message: "no such sum" });
  });

  it("answers any other thrown error as 500 internal with a generic message; its text goes only to the error handler", async () => {
    const seen: string[] = [];
    const errorHandler = { handle: (_ctx: Context, err: KitError) => void seen.push(`${err.code}: ${err.message}`) };
    const { url } = await listen(server(() => Promise.reject(new Error("password=hunter2 refused")), decodeJSON(), encodeJSON, { errorHandler }));
    const res = await postJSON(url, "{}");
    expect([res.status, res.body]).toEqual([500, { code: "internal", message: "internal error" }]);
    expect(seen).toEqual(["internal: password=hunter2 refused"]);
  });

  it("sends a non-Kit error's own text, still as internal, with exposeErrors", async () => {
    const { url } = await listen(server(() => Promise.reject(new Error("boom")), decodeJSON(), encodeJSON, { exposeErrors: true, errorHandler: { handle: () => undefined } }));
    const res = await postJSON(url, "{}");
    expect([res.status, res.body]).toEqual([500, { code: "internal", message: "boom" }]);
  });

  it("writes a warning line to stderr for each error when no error handler was given", async () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const { url } = await listen(server(() => Promise.reject(new KitError(Code.NotFound, "no such sum")), decodeJSON(), encodeJSON));
      expect((await postJSON(url, "{}")).status).toBe(404);
    } finally {
      write.mockRestore();
    }
    expect(written).toEqual(["kit: not_found: no such sum (no errorHandler was given; pass one to handle errors)\n"]);
  });

  it("lets errorEncoder write the errors that errorHandler observes", async () => {
    const seen: string[] = [];
    const handler = server(() => Promise.reject(new KitError(Code.PermissionDenied, "no")), decodeJSON(), encodeJSON, {
      errorHandler: { handle: (_ctx, err) => seen.push(`${err.code}: ${err.message}`) },
      errorEncoder: (_ctx, err, res) => {
        res.writeHead(418, { "content-type": "text/plain" }).end(`custom ${err.code}`);
      },
    });
    const { url } = await listen(handler);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect([res.status, await res.text()]).toEqual([418, "custom permission_denied"]);
    expect(seen).toEqual(["permission_denied: no"]);
  });

  it("still answers when the errorHandler throws or rejects, and the default encoder steps in for a failing errorEncoder", async () => {
    const handled: string[] = [];
    const handler = server(() => Promise.reject(new KitError(Code.Aborted, "conflict")), decodeJSON(), encodeJSON, {
      errorHandler: {
        handle: (_ctx, err) => {
          handled.push(err.message);
          if (handled.length === 1) return Promise.reject(new Error("handler rejects")) as unknown as undefined;
          throw new Error("handler throws");
        },
      },
      errorEncoder: () => {
        throw new Error("encoder broke");
      },
    });
    const { url } = await listen(handler);
    const res = await postJSON(url, "{}");
    expect([res.status, res.body]).toEqual([409, { code: "aborted", message: "conflict" }]);
    expect(handled).toEqual(["conflict", "encoder broke"]);
  });

  it("answers a decoder's plain error 400 invalid_argument with its text, as gRPC and the message transports do", async () => {
    const decode: DecodeRequest<unknown> = () => {
      throw new Error("field a must be a number");
    };
    const { url } = await listen(server(sum as Endpoint<unknown, unknown>, decode, encodeJSON, { errorHandler: { handle: () => undefined } }));
    const res = await postJSON(url, "{}");
    expect([res.status, res.body]).toEqual([400, { code: "invalid_argument", message: "field a must be a number" }]);
  });

  it("fails the request when a before hook throws, without decoding or calling the endpoint", async () => {
    let called = false;
    const handler = server(
      () => {
        called = true;
        return Promise.resolve({});
      },
      decodeJSON(),
      encodeJSON,
      {
        before: [
          (ctx, req) => {
            if (req.headers.authorization === undefined) throw new KitError(Code.Unauthenticated, "who are you?");
            return ctx;
          },
        ],
      },
    );
    const { url } = await listen(handler);
    const res = await postJSON(url, "{}");
    expect([res.status, res.body, called]).toEqual([401, { code: "unauthenticated", message: "who are you?" }, false]);
  });

  it("runs the finalizer after a failure too, with the status written and the error", async () => {
    const finished = deferred<ServerOutcome>();
    const handler = server(() => Promise.reject(new KitError(Code.Unavailable, "db down")), decodeJSON(), encodeJSON, {
      finalizer: [
        () => {
          throw new Error("a broken finalizer does not stop the next");
        },
        (_ctx, outcome) => {
          finished.resolve(outcome);
        },
      ],
    });
    const { url } = await listen(handler);
    await postJSON(url, "{}");
    const outcome = await finished.promise;
    expect(outcome.status).toBe(503);
    expect(outcome.error?.code).toBe("unavailable");
    expect(outcome.response.statusCode).toBe(503);
  });

  it("answers an undefined response with 204 and ends a response the encoder left open", async () => {
    const noContent = await listen(server(() => Promise.resolve(undefined), decodeJSON(), encodeJSON));
    const a = await fetch(noContent.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect([a.status, await a.text()]).toEqual([204, ""]);
    const forgetful = await listen(
      server(sum, decodeJSON(SumRequest), (_ctx, { v }, res) => {
        res.setHeader("x-v", v);
      }),
    );
    const b = await fetch(forgetful.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1,"b":1}', signal: AbortSignal.timeout(2_000) });
    expect([b.status, b.headers.get("x-v")]).toEqual([200, "2"]);
  });

  it("refuses a maxBodyBytes that is not a number of bytes", () => {
    expect(() => server(sum, decodeJSON(SumRequest), encodeJSON, { maxBodyBytes: -1 })).toThrow(RangeError);
    expect(() => server(sum, decodeJSON(SumRequest), encodeJSON, { maxBodyBytes: Number.NaN })).toThrow(RangeError);
  });

  describe("body limit", () => {
    it("returns 413 before reading a body whose content-length is over maxBodyBytes, and closes the connection", async () => {
      let decoded = false;
      const handler = server(
        sum,
        (ctx, req) => {
          decoded = true;
          return decodeJSON(SumRequest)(ctx, req);
        },
        encodeJSON,
        { maxBodyBytes: 1024 },
      );
      const { url } = await listen(handler);
      const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": 10 * 1024 * 1024 } });
      req.on("error", () => undefined);
      req.write(Buffer.alloc(16 * 1024, 0x20)); // 16 KiB of the 10 MiB announced, then wait
      const [res] = (await once(req, "response")) as [IncomingMessage];
      const body = JSON.parse((await readBody(res)).toString()) as unknown;
      expect(res.statusCode).toBe(413);
      expect(res.headers.connection).toBe("close");
      expect(body).toEqual({ code: "resource_exhausted", message: "request body is larger than 1024 bytes", details: { limit: 1024 } });
      expect(decoded).toBe(false);
      if (!req.socket?.destroyed) await once(req.socket!, "close");
      req.destroy();
    });

    it("stops reading a chunked body as soon as it passes maxBodyBytes and answers 413 while the client is still sending", async () => {
      const limit = 256 * 1024;
      let delivered = -1;
      const decode: DecodeRequest<unknown> = async (_ctx, req) => {
        let n = 0;
        req.on("data", (chunk: Buffer) => (n += chunk.length));
        try {
          return await readBody(req);
        } catch (err) {
          delivered = n;
          throw err;
        }
      };
      const { url } = await listen(server(sum as Endpoint<unknown, unknown>, decode, encodeJSON, { maxBodyBytes: limit }));
      const req = http.request(url, { method: "POST", headers: { "content-type": "application/json" } }); // chunked
      req.on("error", () => undefined);
      const response = once(req, "response") as Promise<[IncomingMessage]>;
      const state = { answered: false };
      void response.then(() => (state.answered = true));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const cap = 64 * 1024 * 1024;
      let written = 0;
      while (!state.answered && written < cap) {
        written += chunk.length;
        if (!req.write(chunk)) await Promise.race([once(req, "drain").catch(() => undefined), response]);
      }
      const [res] = await response;
      expect(res.statusCode).toBe(413);
      expect(written).toBeLessThan(cap); // the answer came while the client was still writing
      expect(delivered).toBeGreaterThan(limit);
      expect(delivered).toBeLessThan(limit + 128 * 1024); // read no further than the chunk that passed the limit
      req.destroy();
    });
  });

  describe("deadlines", () => {
    it("gives the endpoint the kit-timeout deadline and answers 504 deadline_exceeded when it passes", async () => {
      let deadline: number | undefined;
      let reason: unknown;
      const handler = server(
        async (ctx: Context) => {
          deadline = ctx.deadline;
          reason = await aborted(ctx.signal);
          throw reason;
        },
        decodeJSON(),
        encodeJSON,
      );
      const { url } = await listen(handler);
      const sent = Date.now();
      const res = await postJSON(url, "{}", { "kit-timeout": "100" });
      expect([res.status, res.body]).toEqual([504, { code: "deadline_exceeded", message: "context deadline exceeded" }]);
      expect(deadline).toBeGreaterThanOrEqual(sent + 100);
      expect(deadline).toBeLessThanOrEqual(Date.now());
      expect(isKitError(reason) && reason.code).toBe("deadline_exceeded");
    });

    it("answers 504 at the deadline even when the endpoint ignores its signal", async () => {
      const handler = server(() => new Promise((resolve) => setTimeout(resolve, 1_500, {})), decodeJSON(), encodeJSON);
      const { url } = await listen(handler);
      const start = Date.now();
      const res = await postJSON(url, "{}", { "kit-timeout": "50" });
      expect(res.status).toBe(504);
      expect(Date.now() - start).toBeLessThan(1_000);
    });

    it("gives the endpoint no deadline without kit-timeout", async () => {
      let deadline: number | undefined = 0;
      const { url } = await listen(
        server(
          (ctx: Context) => {
            deadline = ctx.deadline;
            return Promise.resolve({});
          },
          decodeJSON(),
          encodeJSON,
        ),
      );
      expect((await postJSON(url, "{}")).status).toBe(200);
      expect(deadline).toBeUndefined();
    });

    it("refuses a malformed kit-timeout with 400 invalid_argument", async () => {
      const { url } = await listen(server(sum, decodeJSON(SumRequest), encodeJSON));
      const res = await postJSON(url, '{"a":1,"b":2}', { "kit-timeout": "2s" });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        code: "invalid_argument",
        message: 'malformed kit-timeout header "2s": want whole milliseconds as 1 to 8 digits',
      });
    });
  });

  describe("client disconnect", () => {
    it("aborts the endpoint's signal with canceled and reports 499 to the finalizer", async () => {
      const started = deferred();
      const finished = deferred<ServerOutcome>();
      let reason: unknown;
      const handler = server(
        async (ctx: Context) => {
          started.resolve();
          reason = await aborted(ctx.signal);
          throw reason;
        },
        decodeJSON(),
        encodeJSON,
        {
          finalizer: [
            (_ctx, outcome) => {
              finished.resolve(outcome);
            },
          ],
        },
      );
      const { url } = await listen(handler);
      const req = http.request(url, { method: "POST", headers: { "content-type": "application/json" } });
      req.on("error", () => undefined);
      req.end("{}");
      await started.promise;
      req.destroy();
      const outcome = await finished.promise;
      expect(isKitError(reason) && reason.code).toBe("canceled");
      expect(outcome.status).toBe(499);
      expect(outcome.error?.code).toBe("canceled");
    });
  });
});

describe("server without promises", () => {
  it("serves a synchronous decoder, endpoint and encoder, and answers what they throw", async () => {
    const decode: DecodeRequest<number> = (_ctx, req) => Number(req.headers["x-n"]);
    const double = ((_ctx: Context, n: number) => {
      if (n < 0) throw new KitError(Code.OutOfRange, "negative");
      return { v: 2 * n };
    }) as unknown as Endpoint<number, { v: number }>;
    const { url } = await listen(server(double, decode, encodeJSON));
    expect((await postJSON(url, "", { "x-n": "21" })).body).toEqual({ v: 42 });
    const refused = await postJSON(url, "", { "x-n": "-1" });
    expect([refused.status, refused.body]).toEqual([400, { code: "out_of_range", message: "negative" }]);
  });

  it("aborts a signal read after the deadline passed, and one read after the request ended", async () => {
    let late: AbortSignal | undefined;
    let kept: Context | undefined;
    const { url } = await listen(
      server(
        (ctx: Context) => {
          kept = ctx;
          return new Promise((resolve) => setTimeout(resolve, 150, {}));
        },
        decodeJSON(),
        encodeJSON,
        { finalizer: [(ctx) => { late = ctx.signal; }] },
      ),
    );
    expect((await postJSON(url, "{}", { "kit-timeout": "20" })).status).toBe(504);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(late?.aborted && isKitError(late.reason) && late.reason.code).toBe("deadline_exceeded");
    expect(kept?.signal.aborted).toBe(true);
  });
});

describe("finalizer response size", () => {
  const sizes = async (handler: Parameters<typeof listen>[0], body: string): Promise<{ status: number; text: string }> => {
    const { url } = await listen(handler);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: res.status, text: await res.text() };
  };

  it("tells the finalizer how many body bytes were written, as Go kit's ContextKeyResponseSize", async () => {
    const seen: number[] = [];
    const finalizer = [(_ctx: Context, outcome: ServerOutcome) => { seen.push(outcome.size); }];
    const ok = await sizes(server(sum, decodeJSON(SumRequest), encodeJSON, { finalizer }), '{"a":1,"b":2}');
    const refused = await sizes(server(sum, decodeJSON(SumRequest), encodeJSON, { finalizer }), '{"a":"x"}');
    const streamed = await sizes(
      server(sum, decodeJSON(SumRequest), (_ctx, { v }, res) => { res.write("é"); res.write(Buffer.from([1, 2])); res.end(String(v), "utf8"); }, { finalizer }),
      '{"a":1,"b":2}',
    );
    const empty = await sizes(server(() => Promise.resolve(undefined), decodeJSON(), encodeJSON, { finalizer }), "{}");
    expect([ok.text, refused.status, streamed.text.length, empty.status]).toEqual(['{"v":3}\n', 400, 4, 204]);
    expect(seen).toEqual([8, Buffer.byteLength(refused.text), 5, 0]);
  });

  it("reports 499 and no bytes when the client went away from an endpoint that never read its signal", async () => {
    const finished = deferred<ServerOutcome>();
    const started = deferred();
    const handler = server(
      () => {
        started.resolve();
        return new Promise((resolve) => setTimeout(resolve, 150, { v: 1 }));
      },
      decodeJSON(),
      encodeJSON,
      { finalizer: [(_ctx, outcome) => { finished.resolve(outcome); }] },
    );
    const { url } = await listen(handler);
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json" } });
    req.on("error", () => undefined);
    req.end("{}");
    await started.promise;
    req.destroy();
    const outcome = await finished.promise;
    expect([outcome.status, outcome.error?.code, outcome.size]).toEqual([499, "canceled", 0]);
  });
});
