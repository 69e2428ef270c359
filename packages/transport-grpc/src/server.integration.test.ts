import * as grpc from "@grpc/grpc-js";
import { Code, contextKey, KitError, withValue, type Context, type Endpoint } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startServer, type EchoReply, type EchoRequest, type Running } from "../test/harness.ts";
import { server, type ServerOutcome } from "./server.ts";

// These talk to a real grpc-js server on 127.0.0.1, called by a raw grpc-js client, so they
// show what any gRPC peer sees.

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

interface Reply {
  err: grpc.ServiceError | null;
  value: EchoReply | undefined;
  header: grpc.Metadata | undefined;
  status: grpc.StatusObject;
}

/** Calls Echo with the raw grpc-js client and collects everything a peer sees. */
function echo(r: Running, request: unknown, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}): { done: Promise<Reply>; call: grpc.ClientUnaryCall } {
  let header: grpc.Metadata | undefined;
  let err: grpc.ServiceError | null = null;
  let value: EchoReply | undefined;
  const call = r.conn.makeUnaryRequest(
    "/kittest.Test/Echo",
    (v: unknown) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))),
    (b: Buffer) => b,
    request,
    metadata,
    options,
    (e, v) => {
      err = e;
      value = v as unknown as EchoReply | undefined;
    },
  );
  call.on("metadata", (m: grpc.Metadata) => {
    header = m;
  });
  const done = new Promise<Reply>((resolve) => {
    call.on("status", (status: grpc.StatusObject) => {
      resolve({ err, value, header, status });
    });
  });
  return { done, call };
}

/** Calls Echo through the generated-style client (proto serialization both ways). */
function callEcho(r: Running, text: string, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}): Promise<{ err: grpc.ServiceError | null; value: EchoReply | undefined; header: grpc.Metadata | undefined; trailer: grpc.Metadata | undefined }> {
  return new Promise((resolve) => {
    let header: grpc.Metadata | undefined;
    const result: { err: grpc.ServiceError | null; value: EchoReply | undefined } = { err: null, value: undefined };
    const call = (r.raw.Echo as unknown as (req: EchoRequest, md: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v?: EchoReply) => void) => grpc.ClientUnaryCall)(
      { text },
      metadata,
      options,
      (e, v) => {
        result.err = e;
        result.value = v;
      },
    );
    call.on("metadata", (m: grpc.Metadata) => {
      header = m;
    });
    call.on("status", (s: grpc.StatusObject) => {
      resolve({ ...result, header, trailer: s.metadata });
    });
  });
}

const upper: Endpoint<EchoRequest, EchoReply> = async (_ctx, { text }) => Promise.resolve({ text: text.toUpperCase() });

describe("server (unary) against a grpc-js client", () => {
  it("answers with the endpoint's response, passing proto-loader objects through by default", async () => {
    running = await startServer({ Echo: server(upper) });
    const { err, value } = await callEcho(running, "hello");
    expect(err).toBeNull();
    expect(value).toEqual({ text: "HELLO" });
  });

  it("runs decode and encode around the endpoint", async () => {
    const length: Endpoint<string, number> = async (_ctx, s) => Promise.resolve(s.length);
    running = await startServer({
      Echo: server(length, (_ctx, m: EchoRequest) => m.text, (_ctx, n: number) => ({ text: `${n} chars` })),
    });
    expect((await callEcho(running, "kit!")).value).toEqual({ text: "4 chars" });
  });

  it("reads metadata into the context with before, and sends header and trailer set by after", async () => {
    const user = contextKey<string>("user");
    const seen: (string | undefined)[] = [];
    running = await startServer({
      Echo: server(
        async (ctx: Context, req: EchoRequest) => {
          seen.push(ctx.value(user));
          return upper(ctx, req);
        },
        undefined,
        undefined,
        {
          before: [(ctx, md) => withValue(ctx, user, String(md.get("x-user")[0]))],
          after: [
            (ctx, header, trailer) => {
              header.set("x-served-by", "kit");
              trailer.set("x-items", "1");
              return ctx;
            },
          ],
        },
      ),
    });
    const md = new grpc.Metadata();
    md.set("x-user", "ada");
    const { value, header, trailer } = await callEcho(running, "x", md);
    expect(value).toEqual({ text: "X" });
    expect(seen).toEqual(["ada"]);
    expect(header?.get("x-served-by")).toEqual(["kit"]);
    expect(trailer?.get("x-items")).toEqual(["1"]);
  });

  it("answers a KitError with the status of the same code and its message", async () => {
    running = await startServer({
      Echo: server(async () => Promise.reject(new KitError(Code.NotFound, "no such echo"))),
    });
    const { err } = await callEcho(running, "x");
    expect(err?.code).toBe(grpc.status.NOT_FOUND);
    expect(err?.details).toBe("no such echo");
  });

  it("answers anything else INTERNAL without its message or stack, and gives the original to the error handler", async () => {
    const handled: KitError[] = [];
    running = await startServer({
      Echo: server(async () => Promise.reject(new Error("db password is hunter2")), undefined, undefined, {
        errorHandler: { handle: (_ctx, err) => handled.push(err) },
      }),
    });
    const { err } = await callEcho(running, "x");
    expect(err?.code).toBe(grpc.status.INTERNAL);
    expect(err?.details).toBe("internal error");
    expect(err?.message).not.toContain("hunter2");
    expect(handled).toHaveLength(1);
    expect(handled[0]?.code).toBe(Code.Internal);
    expect((handled[0]?.cause as Error).message).toBe("db password is hunter2");
  });

  it("sends the text of a non-Kit error, still INTERNAL, with exposeErrors", async () => {
    const handled: KitError[] = [];
    running = await startServer({
      Echo: server(async () => Promise.reject(new Error("db-3 refused the connection")), undefined, undefined, {
        exposeErrors: true,
        errorHandler: { handle: (_ctx, err) => handled.push(err) },
      }),
    });
    const { err } = await callEcho(running, "x");
    expect([err?.code, err?.details]).toEqual([grpc.status.INTERNAL, "db-3 refused the connection"]);
    expect(handled.map((e) => [e.code, e.message])).toEqual([[Code.Internal, "db-3 refused the connection"]]);
  });

  it("ends a failed call with the status the errorEncoder makes, from the error the caller may see", async () => {
    const handled: string[] = [];
    const seen: string[] = [];
    running = await startServer({
      Echo: server(async (_ctx, { text }: EchoRequest) => Promise.reject(text === "kit" ? new KitError(Code.NotFound, "no such echo") : new Error("db password is hunter2")), undefined, undefined, {
        errorHandler: { handle: (_ctx, err) => void handled.push(`${err.code}: ${err.message}`) },
        errorEncoder: (_ctx, err, trailer) => {
          seen.push(`${err.code}: ${err.message}`);
          trailer.set("x-error-code", err.code);
          return { code: grpc.status.FAILED_PRECONDITION, details: `custom ${err.code}` };
        },
      }),
    });
    const kit = await callEcho(running, "kit");
    const plain = await callEcho(running, "plain");
    expect([kit.err?.code, kit.err?.details, kit.trailer?.get("x-error-code")]).toEqual([grpc.status.FAILED_PRECONDITION, "custom not_found", ["not_found"]]);
    expect([plain.err?.code, plain.err?.details]).toEqual([grpc.status.FAILED_PRECONDITION, "custom internal"]);
    expect(seen).toEqual(["not_found: no such echo", "internal: internal error"]);
    expect(handled).toEqual(["not_found: no such echo", "internal: db password is hunter2"]);
  });

  it("answers with the default status when the errorEncoder throws, and reports what it threw", async () => {
    const handled: string[] = [];
    running = await startServer({
      Echo: server(async () => Promise.reject(new KitError(Code.NotFound, "no such echo")), undefined, undefined, {
        errorHandler: { handle: (_ctx, err) => void handled.push(`${err.code}: ${err.message}`) },
        errorEncoder: () => {
          throw new Error("encoder broke");
        },
      }),
    });
    const { err } = await callEcho(running, "x");
    expect([err?.code, err?.details]).toEqual([grpc.status.NOT_FOUND, "no such echo"]);
    expect(handled).toEqual(["not_found: no such echo", "internal: encoder broke"]);
  });

  it("writes a warning line to stderr for each error when no error handler was given", async () => {
    running = await startServer({ Echo: server(async () => Promise.reject(new Error("db password is hunter2"))) });
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    try {
      const { err } = await callEcho(running, "x");
      expect(err?.details).toBe("internal error");
    } finally {
      write.mockRestore();
    }
    expect(written).toEqual(["kit: internal: db password is hunter2 (no errorHandler was given; pass one to handle errors)\n"]);
  });

  it("runs every finalizer with the outcome, on success and on failure", async () => {
    const outcomes: ServerOutcome[] = [];
    running = await startServer({
      Echo: server(
        async (ctx: Context, req: EchoRequest) => {
          if (req.text === "fail") throw new KitError(Code.PermissionDenied, "no");
          return upper(ctx, req);
        },
        undefined,
        undefined,
        { finalizer: [(_ctx, outcome) => void outcomes.push(outcome)] },
      ),
    });
    await callEcho(running, "ok");
    await callEcho(running, "fail");
    await until("two finalizer calls", () => outcomes.length === 2);
    expect(outcomes.map((o) => [o.method, o.status, o.error?.code])).toEqual([
      ["/kittest.Test/Echo", grpc.status.OK, undefined],
      ["/kittest.Test/Echo", grpc.status.PERMISSION_DENIED, Code.PermissionDenied],
    ]);
  });

  it("answers a request that does not decode INVALID_ARGUMENT, and keeps serving", async () => {
    const handled: KitError[] = [];
    running = await startServer({
      Echo: server(upper, undefined, undefined, { errorHandler: { handle: (_ctx, err) => handled.push(err) } }),
    });
    // A tag whose varint never ends: no protobuf decoder can read it.
    const bad = echo(running, Buffer.from([0xff, 0xff, 0xff]));
    const { status } = await bad.done;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/does not decode/);
    expect(handled[0]?.code).toBe(Code.InvalidArgument);
    expect((await callEcho(running, "still here")).value).toEqual({ text: "STILL HERE" });
  });

  it("answers a decoder's plain error INVALID_ARGUMENT", async () => {
    running = await startServer({
      Echo: server(upper, (_ctx, m: EchoRequest) => {
        if (m.text === "") throw new Error("text is required");
        return m;
      }),
    });
    const { err } = await callEcho(running, "");
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toBe("text is required");
  });

  it("answers an async decoder's rejection INVALID_ARGUMENT, decoding the request once, and leaves no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    let decodes = 0;
    try {
      running = await startServer({
        Echo: server(upper, async (_ctx, m: EchoRequest) => {
          decodes += 1;
          await Promise.resolve();
          if (m.text === "") throw new KitError(Code.InvalidArgument, "text: required");
          return m;
        }),
      });
      const { err } = await callEcho(running, "");
      expect([err?.code, err?.details]).toEqual([grpc.status.INVALID_ARGUMENT, "text: required"]);
      expect((await callEcho(running, "ok")).value).toEqual({ text: "OK" });
      await new Promise((resolve) => setImmediate(resolve));
      expect([decodes, unhandled]).toEqual([2, []]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("turns the caller's grpc-timeout into the context's deadline", async () => {
    const deadlines: (number | undefined)[] = [];
    running = await startServer({
      Echo: server(async (ctx: Context, req: EchoRequest) => {
        deadlines.push(ctx.deadline);
        return upper(ctx, req);
      }),
    });
    const sentAt = Date.now();
    await callEcho(running, "x", new grpc.Metadata(), { deadline: sentAt + 5_000 });
    await callEcho(running, "y");
    expect(deadlines[0]).toBeGreaterThan(sentAt + 3_000);
    expect(deadlines[0]).toBeLessThanOrEqual(sentAt + 5_100);
    expect(deadlines[1]).toBeUndefined();
  });

  it("ends the call DEADLINE_EXCEEDED when the deadline passes, and aborts the endpoint's signal", async () => {
    let aborted: unknown;
    running = await startServer({
      Echo: server(async (ctx: Context) => {
        await new Promise((resolve) => {
          ctx.signal.addEventListener("abort", resolve, { once: true });
          setTimeout(resolve, 20_000).unref();
        });
        aborted = ctx.signal.reason;
        return { text: "too late" };
      }),
    });
    const started = Date.now();
    const { err } = await callEcho(running, "x", new grpc.Metadata(), { deadline: Date.now() + 300 });
    expect(err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(10_000);
    await until("the endpoint to see the abort", () => aborted !== undefined);
    expect((aborted as KitError).code).toBe(Code.DeadlineExceeded);
  });

  it("ends the call at its deadline even when the endpoint never reads its signal, and reports deadline_exceeded once", async () => {
    const outcomes: ServerOutcome[] = [];
    const handled: KitError[] = [];
    running = await startServer({
      Echo: server(() => new Promise<EchoReply>(() => undefined), undefined, undefined, {
        errorHandler: { handle: (_ctx, err) => void handled.push(err) },
        finalizer: [(_ctx, outcome) => void outcomes.push(outcome)],
      }),
    });
    const started = Date.now();
    const { err } = await callEcho(running, "x", new grpc.Metadata(), { deadline: Date.now() + 300 });
    expect(err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await until("the finalizer", () => outcomes.length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcomes).toMatchObject([{ status: grpc.status.DEADLINE_EXCEEDED, error: { code: Code.DeadlineExceeded } }]);
    expect(handled.map((e) => e.code)).toEqual([Code.DeadlineExceeded]);
  });

  it("cancels the endpoint's context once the call is over, so work it started stops", async () => {
    let kept: Context | undefined;
    running = await startServer({
      Echo: server(async (ctx: Context, req: EchoRequest) => {
        kept = ctx;
        return upper(ctx, req);
      }),
    });
    expect((await callEcho(running, "x")).value).toEqual({ text: "X" });
    await until("the context to be canceled", () => kept?.signal.aborted === true);
    expect((kept?.signal.reason as KitError).code).toBe(Code.Canceled);
  });

  it("aborts the endpoint's signal with canceled when the caller cancels", async () => {
    let started = false;
    let reason: unknown;
    running = await startServer({
      Echo: server(async (ctx: Context) => {
        started = true;
        await new Promise((resolve) => {
          ctx.signal.addEventListener("abort", resolve, { once: true });
          setTimeout(resolve, 20_000).unref();
        });
        reason = ctx.signal.reason;
        return { text: "" };
      }),
    });
    const call = echo(running, Buffer.from([0x0a, 0x01, 0x61]));
    await until("the endpoint to start", () => started);
    call.call.cancel();
    expect((await call.done).status.code).toBe(grpc.status.CANCELLED);
    await until("the endpoint to see the cancel", () => reason !== undefined);
    expect((reason as KitError).code).toBe(Code.Canceled);
  });
});
