import { getEventListeners } from "node:events";
import { background, Code, contextKey, KitError, withCancel, withTimeout, withValue, type Context } from "@kit/endpoint";
import { codeFromHttpStatus } from "@kit/transport";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { failure } from "../test/support/failure.ts";
import { closeAll, deferred, freePort, listen } from "../test/support/listen.ts";
import { readBody } from "./body.ts";
import { client, type ClientOutcome } from "./client.ts";
import { decodeJSONResponse, encodeJSONRequest } from "./codec.ts";
import { decodeError, type ErrorDecoder } from "./error-decoder.ts";

afterEach(closeAll);

describe("client", () => {
  it("sends the encoded request and decodes the 2xx response", async () => {
    const seen: { method?: string; url?: string; type?: string; body?: string } = {};
    const { url } = await listen((req, res) => {
      void readBody(req).then((body) => {
        Object.assign(seen, { method: req.method, url: req.url, type: req.headers["content-type"], body: body.toString() });
        res.writeHead(200, { "content-type": "application/json" }).end('{"v":3}');
      });
    });
    const sum = client("POST", `${url}/sum`, encodeJSONRequest, decodeJSONResponse(z.object({ v: z.number() })));
    expect(await sum(background(), { a: 1, b: 2 })).toEqual({ v: 3 });
    expect(seen).toEqual({ method: "POST", url: "/sum", type: "application/json; charset=utf-8", body: '{"a":1,"b":2}\n' });
  });

  it("lets the encoder shape the URL and headers of each request", async () => {
    let path: string | undefined;
    let tag: string | string[] | undefined;
    const { url } = await listen((req, res) => {
      path = req.url;
      tag = req.headers["x-tag"];
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const getUser = client(
      "GET",
      url,
      (_ctx, { id }: { id: string }, outgoing) => {
        outgoing.url.pathname = `/users/${encodeURIComponent(id)}`;
        outgoing.url.searchParams.set("fields", "name");
        outgoing.headers.set("x-tag", "t1");
      },
      decodeJSONResponse(),
    );
    await getUser(background(), { id: "a b" });
    expect([path, tag]).toEqual(["/users/a%20b?fields=name", "t1"]);
  });

  it("turns a Kit error body back into a KitError with the same code, message and details", async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(409, { "content-type": "application/json" }).end(JSON.stringify({ code: "already_exists", message: "taken", details: { id: 7 } }));
    });
    const err = await failure(client("POST", url, encodeJSONRequest, decodeJSONResponse())(background(), {}));
    expect([err.code, err.message, err.details]).toEqual(["already_exists", "taken", { id: 7 }]);
  });

  it("reads the code from the status for a response that is not a Kit error", async () => {
    const { url } = await listen((req, res) => {
      if (req.url === "/proxy") res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad Gateway</h1>");
      else res.writeHead(404, { "content-type": "application/json" }).end('{"error":"nope","code":"NOT_A_KIT_CODE"}');
    });
    const proxy = await failure(client("GET", `${url}/proxy`, () => undefined, decodeJSONResponse())(background(), {}));
    expect([proxy.code, proxy.message, proxy.details]).toEqual(["unavailable", "HTTP 502 Bad Gateway: <h1>Bad Gateway</h1>", { status: 502 }]);
    const foreign = await failure(client("GET", `${url}/x`, () => undefined, decodeJSONResponse())(background(), {}));
    expect(foreign.code).toBe("not_found");
  });

  it("sends the time left before the ctx's deadline as kit-timeout, and none without a deadline", async () => {
    const timeouts: (string | undefined)[] = [];
    const { url } = await listen((req, res) => {
      timeouts.push(req.headers["kit-timeout"] as string | undefined);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const call = client("POST", url, encodeJSONRequest, decodeJSONResponse());
    const [ctx, cancel] = withTimeout(background(), 1_500);
    await call(ctx, {});
    cancel();
    await call(background(), {});
    expect(Number(timeouts[0])).toBeGreaterThan(1_000);
    expect(Number(timeouts[0])).toBeLessThanOrEqual(1_500);
    expect(timeouts[1]).toBeUndefined();
  });

  it("aborts the request with canceled when the ctx is canceled, and the server sees the client go", async () => {
    const arrived = deferred();
    const gone = deferred();
    const { url } = await listen((_req, res) => {
      arrived.resolve();
      res.on("close", () => {
        gone.resolve();
      });
    });
    const [ctx, cancel] = withCancel(background());
    const call = client("POST", url, encodeJSONRequest, decodeJSONResponse())(ctx, {});
    await arrived.promise;
    cancel();
    expect((await failure(call)).code).toBe("canceled");
    await gone.promise;
  });

  it("fails with canceled without sending anything when the ctx is already canceled", async () => {
    let requests = 0;
    const { url } = await listen((_req, res) => {
      requests++;
      res.end();
    });
    const [ctx, cancel] = withCancel(background());
    cancel();
    expect((await failure(client("POST", url, encodeJSONRequest, decodeJSONResponse())(ctx, {}))).code).toBe("canceled");
    expect(requests).toBe(0);
  });

  it("fails with deadline_exceeded when the ctx's deadline passes first", async () => {
    const { url } = await listen(() => undefined); // never answers
    const [ctx, cancel] = withTimeout(background(), 80);
    const start = Date.now();
    const err = await failure(client("POST", url, encodeJSONRequest, decodeJSONResponse())(ctx, {}));
    cancel();
    expect(err.code).toBe("deadline_exceeded");
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it("fails with deadline_exceeded after its timeout when the ctx has no deadline, and sends no kit-timeout for it", async () => {
    const timeouts: (string | undefined)[] = [];
    const { url } = await listen((req) => {
      timeouts.push(req.headers["kit-timeout"] as string | undefined); // never answers
    });
    const start = Date.now();
    const err = await failure(client("POST", url, encodeJSONRequest, decodeJSONResponse(), { timeout: 200 })(background(), {}));
    const waited = Date.now() - start;
    expect([err.code, err.message]).toEqual(["deadline_exceeded", "no answer within 200 ms (the client's timeout; the context has no deadline)"]);
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(2_000);
    expect(timeouts).toEqual([undefined]);
  });

  it("lets the ctx's deadline bound a call rather than its timeout", async () => {
    const { url } = await listen((_req, res) => {
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end("{}"), 150);
    });
    const [ctx, cancel] = withTimeout(background(), 2_000);
    try {
      expect(await client("POST", url, encodeJSONRequest, decodeJSONResponse(), { timeout: 50 })(ctx, {})).toEqual({});
    } finally {
      cancel();
    }
  });

  it("refuses a timeout that is not milliseconds above 0", () => {
    for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => client("POST", "http://127.0.0.1:1/", encodeJSONRequest, decodeJSONResponse(), { timeout })).toThrow(RangeError);
    }
  });

  it("leaves no abort listener on the caller's context once its calls end", async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const call = client("POST", url, encodeJSONRequest, decodeJSONResponse());
    const [ctx, cancel] = withTimeout(background(), 10_000);
    try {
      for (let round = 0; round < 10; round++) await Promise.all(Array.from({ length: 20 }, () => call(ctx, {})));
      expect(getEventListeners(ctx.signal, "abort")).toHaveLength(0);
    } finally {
      cancel();
    }
  });

  it("fails with unavailable when the server cannot be reached", async () => {
    const port = await freePort();
    const err = await failure(client("POST", `http://127.0.0.1:${port}/sum?secret=x`, encodeJSONRequest, decodeJSONResponse())(background(), {}));
    expect(err.code).toBe("unavailable");
    expect(err.message).toBe(`POST http://127.0.0.1:${port}/sum: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it("runs before hooks on the outgoing request, after hooks on every response and finalizers last", async () => {
    const trace: string[] = [];
    const traceId = contextKey<string>("trace");
    const { url } = await listen((req, res) => {
      trace.push(`server ${String(req.headers["x-trace"])}`);
      const ok = req.url === "/ok";
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "x-server": "s1" }).end(ok ? '{"v":1}' : '{"code":"unavailable","message":"busy"}');
    });
    const outcomes: ClientOutcome[] = [];
    const options = {
      before: [
        (ctx: Context, outgoing: { headers: Headers }) => {
          trace.push("before");
          outgoing.headers.set("x-trace", "t-1");
          return withValue(ctx, traceId, "t-1");
        },
      ],
      after: [
        (ctx: Context, response: Response) => {
          trace.push(`after ${response.status} ${response.headers.get("x-server") ?? ""}`);
          return ctx;
        },
      ],
      finalizer: [
        (ctx: Context, outcome: ClientOutcome) => {
          trace.push(`finalizer ${ctx.value(traceId) ?? "?"}`);
          outcomes.push(outcome);
        },
        () => {
          throw new Error("ignored");
        },
      ],
    };
    expect(await client("GET", `${url}/ok`, () => undefined, decodeJSONResponse(), options)(background(), {})).toEqual({ v: 1 });
    expect((await failure(client("GET", `${url}/busy`, () => undefined, decodeJSONResponse(), options)(background(), {}))).code).toBe("unavailable");
    expect(trace).toEqual(["before", "server t-1", "after 200 s1", "finalizer t-1", "before", "server t-1", "after 503 s1", "finalizer t-1"]);
    expect(outcomes.map((o) => [o.status, o.error?.code])).toEqual([
      [200, undefined],
      [503, "unavailable"],
    ]);
  });

  it("reports a network failure to the finalizer with no status", async () => {
    const port = await freePort();
    const outcomes: ClientOutcome[] = [];
    const call = client("GET", `http://127.0.0.1:${port}`, () => undefined, decodeJSONResponse(), {
      finalizer: [(_ctx, outcome) => void outcomes.push(outcome)],
    });
    await failure(call(background(), {}));
    expect(outcomes.map((o) => [o.status, o.error?.code])).toEqual([[undefined, "unavailable"]]);
  });

  it("uses the fetch it is given", async () => {
    const calls: string[] = [];
    const fake: typeof fetch = (input, init) => {
      calls.push(`${init?.method ?? "GET"} ${input instanceof URL ? input.href : typeof input === "string" ? input : input.url}`);
      return Promise.resolve(new Response('{"v":9}', { status: 200 }));
    };
    const call = client("PUT", "http://example.invalid/x", encodeJSONRequest, decodeJSONResponse(), { fetch: fake });
    expect(await call(background(), {})).toEqual({ v: 9 });
    expect(calls).toEqual(["PUT http://example.invalid/x"]);
  });

  it("fails with deadline_exceeded when the deadline passes while the body is still arriving", async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"v":');
    });
    const [ctx, cancel] = withTimeout(background(), 100);
    const err = await failure(client("GET", url, () => undefined, decodeJSONResponse())(ctx, {}));
    cancel();
    expect(err.code).toBe("deadline_exceeded");
  });

  it("throws errors that are KitErrors, for code that uses instanceof as well as isKitError", async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(400, { "content-type": "application/json" }).end('{"code":"out_of_range","message":"too far"}');
    });
    const err = await failure(client("GET", url, () => undefined, decodeJSONResponse())(background(), {}));
    expect(err).toBeInstanceOf(KitError);
    expect(err.code).toBe(Code.OutOfRange);
  });

  describe("errorDecoder", () => {
    // The README's decoder, verbatim: {"error": "…"} from a foreign server, other bodies the default.
    const errorField: ErrorDecoder = async (ctx, response) => {
      const body = (await response.clone().json().catch(() => undefined)) as { error?: unknown } | undefined;
      if (typeof body?.error === "string") return new KitError(codeFromHttpStatus(response.status), body.error);
      return decodeError(ctx, response);
    };

    const foreignServer = (): ReturnType<typeof listen> =>
      listen((req, res) => {
        if (req.url === "/foreign") res.writeHead(400, { "content-type": "application/json" }).end('{"error":"account locked"}');
        else if (req.url === "/kit") res.writeHead(404, { "content-type": "application/json" }).end('{"code":"not_found","message":"no user 7"}');
        else res.writeHead(418, "I'm a Teapot", { "content-type": "text/plain" }).end("short and stout");
      });

    it("turns a non-2xx response into the error the custom decoder reads from a foreign body", async () => {
      const { url } = await foreignServer();
      const outcomes: ClientOutcome[] = [];
      const call = (path: string): Promise<unknown> =>
        client("GET", url + path, () => undefined, decodeJSONResponse(), {
          errorDecoder: errorField,
          finalizer: [(_ctx, outcome) => void outcomes.push(outcome)],
        })(background(), {});
      const foreign = await failure(call("/foreign"));
      expect([foreign.code, foreign.message, foreign.details]).toEqual([Code.InvalidArgument, "account locked", undefined]);
      const kit = await failure(call("/kit")); // the fallback to decodeError
      expect([kit.code, kit.message]).toEqual([Code.NotFound, "no user 7"]);
      expect(outcomes.map((o) => [o.status, o.error])).toEqual([
        [400, foreign],
        [404, kit],
      ]);
    });

    it("uses decodeError without the option", async () => {
      const { url } = await foreignServer();
      const err = await failure(client("GET", `${url}/foreign`, () => undefined, decodeJSONResponse())(background(), {}));
      expect([err.code, err.message, err.details]).toEqual([Code.InvalidArgument, 'HTTP 400 Bad Request: {"error":"account locked"}', { status: 400 }]);
    });

    it("gives the decoder the status, status text, headers and URL, and is not called for a 2xx", async () => {
      const { url } = await listen((req, res) => {
        if (req.url === "/ok") res.writeHead(200, { "content-type": "application/json" }).end('{"v":1}');
        else res.writeHead(req.url === "/odd" ? 699 : 418, req.url === "/odd" ? "Odd" : "I'm a Teapot", { "x-pot": "tea" }).end("short and stout");
      });
      const seen: unknown[] = [];
      const errorDecoder: ErrorDecoder = async (_ctx, response) => {
        seen.push([response.status, response.ok, response.statusText, response.headers.get("x-pot"), response.url, await response.text()]);
        return new KitError(Code.Unknown, "teapot");
      };
      const call = (path: string): Promise<unknown> => client("GET", url + path, () => undefined, decodeJSONResponse(), { errorDecoder })(background(), {});
      expect(await call("/ok")).toEqual({ v: 1 });
      expect((await failure(call("/pot"))).message).toBe("teapot");
      expect((await failure(call("/odd"))).message).toBe("teapot");
      expect(seen).toEqual([
        [418, false, "I'm a Teapot", "tea", `${url}/pot`, "short and stout"],
        [699, false, "Odd", "tea", `${url}/odd`, "short and stout"], // a status a Response cannot be built with
      ]);
    });

    it("makes a KitError of what a decoder throws, keeping a thrown KitError as it is", async () => {
      const { url } = await foreignServer();
      const throwing = (thrown: unknown): Promise<KitError> =>
        failure(
          client("GET", `${url}/foreign`, () => undefined, decodeJSONResponse(), {
            errorDecoder: () => {
              throw thrown;
            },
          })(background(), {}),
        );
      const plain = await throwing(new Error("decoder bug"));
      expect([plain.code, plain.message]).toEqual([Code.Unknown, "decoder bug"]);
      const kit = new KitError(Code.DataLoss, "torn body");
      expect(await throwing(kit)).toBe(kit);
      const rejected = await failure(
        client("GET", `${url}/foreign`, () => undefined, decodeJSONResponse(), { errorDecoder: () => Promise.reject(new TypeError("bad")) })(background(), {}),
      );
      expect([rejected.code, rejected.message]).toEqual([Code.Unknown, "bad"]);
    });

    it("gives the decoder at most 64 KiB of an error body, so reading it all stays bounded", async () => {
      const { url } = await listen((_req, res) => {
        res.writeHead(500, { "content-type": "text/plain" }).end("e".repeat(4 * 1024 * 1024));
      });
      let read = -1;
      const err = await failure(
        client("GET", url, () => undefined, decodeJSONResponse(), {
          errorDecoder: async (ctx, response) => {
            read = (await response.clone().arrayBuffer()).byteLength;
            return decodeError(ctx, response);
          },
        })(background(), {}),
      );
      expect(read).toBe(64 * 1024);
      expect(err.code).toBe(Code.Internal);
      expect(err.message).toBe(`HTTP 500 Internal Server Error: ${"e".repeat(200)}`);
    });

    it("cancels the part of an error body the decoder leaves unread", async () => {
      const gone = deferred();
      const { url } = await listen((_req, res) => {
        res.writeHead(503, { "content-type": "text/plain" });
        const timer = setInterval(() => res.write("x".repeat(1024)), 5); // never ends on its own
        res.on("close", () => {
          clearInterval(timer);
          gone.resolve();
        });
      });
      const err = await failure(
        client("GET", url, () => undefined, decodeJSONResponse(), {
          errorDecoder: async (_ctx, response) => {
            const reader = response.body!.getReader();
            await reader.read(); // the first chunk only
            reader.releaseLock();
            return new KitError(Code.Unavailable, "busy");
          },
        })(background(), {}),
      );
      expect(err.message).toBe("busy");
      await gone.promise;
    });
  });
});
