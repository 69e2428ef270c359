import * as grpc from "@grpc/grpc-js";
import { background, Code, KitError, withCancel, withTimeout, type Context } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, Echo as EchoMethod, Count as CountMethod, type EchoReply, type EchoRequest, type Running } from "../test/harness.ts";
import { client, type ClientOutcome } from "./client.ts";
import { server } from "./server.ts";

// A real grpc-js server on 127.0.0.1; where the server is a plain grpc-js handler, these show
// the client against any gRPC peer.

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("client (unary) against a grpc-js server", () => {
  it("is an endpoint that calls the method", async () => {
    running = await startServer({
      Echo: (call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
        callback(null, { text: `${call.request.text}!` });
      },
    });
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod);
    expect(await echo(background(), { text: "hi" })).toEqual({ text: "hi!" });
  });

  it("runs encode and decode around the call", async () => {
    running = await startServer({ Echo: server(async (_ctx: Context, r: EchoRequest) => Promise.resolve({ text: r.text.repeat(2) })) });
    const twice = client(running.conn, EchoMethod, (_ctx, s: string): EchoRequest => ({ text: s }), (_ctx, r: EchoReply) => r.text);
    expect(await twice(background(), "ab")).toBe("abab");
  });

  it("runs async encode and decode around the call, and fails with what either rejects, the same with hooks as without", async () => {
    let calls = 0;
    running = await startServer({
      Echo: server(async (_ctx: Context, r: EchoRequest) => {
        calls++;
        return Promise.resolve({ text: r.text.toUpperCase() });
      }),
    });
    const encode = async (_ctx: Context, s: string): Promise<EchoRequest> => {
      if (s === "") throw new KitError(Code.InvalidArgument, "text: must not be empty");
      return Promise.resolve({ text: s });
    };
    const decode = async (_ctx: Context, r: EchoReply): Promise<number> => {
      if (r.text === "BAD") throw new KitError(Code.DataLoss, "reply: BAD is not a reply");
      return Promise.resolve(r.text.length);
    };
    const finalized: (string | undefined)[] = [];
    const plain = client(running.conn, EchoMethod, encode, decode);
    const hooked = client(running.conn, EchoMethod, encode, decode, { finalizer: [(_ctx, outcome: ClientOutcome) => void finalized.push(outcome.error?.code)] });
    for (const length of [plain, hooked]) {
      expect(await length(background(), "abc")).toBe(3);
      await expect(length(background(), "")).rejects.toMatchObject({ code: Code.InvalidArgument, message: "text: must not be empty" });
      await expect(length(background(), "bad")).rejects.toMatchObject({ code: Code.DataLoss, message: "reply: BAD is not a reply" });
    }
    expect(calls).toBe(4); // the empty requests were never sent
    expect(finalized).toEqual([undefined, Code.InvalidArgument, Code.DataLoss]);
  });

  it("turns every gRPC status back into a KitError of the same code and message", async () => {
    const codes = Object.values(Code);
    running = await startServer({
      Echo: (call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
        const code = grpc.status[call.request.text.toUpperCase() as keyof typeof grpc.status];
        callback({ code, details: `failed with ${call.request.text}` });
      },
    });
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod);
    for (const code of codes) {
      const text = code === Code.Canceled ? "cancelled" : code;
      const err = await echo(background(), { text }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KitError);
      expect([code, (err as KitError).code]).toEqual([code, code]);
      expect((err as KitError).message).toBe(`failed with ${text}`);
    }
  });

  it("keeps the code of a KitError thrown by a Kit server", async () => {
    running = await startServer({ Echo: server(async () => Promise.reject(new KitError(Code.AlreadyExists, "dup"))) });
    const err = await client(running.conn, EchoMethod)(background(), { text: "x" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.AlreadyExists, message: "dup" });
  });

  it("sends metadata written by before, and gives header and trailer to after", async () => {
    running = await startServer({
      Echo: (call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
        const header = new grpc.Metadata();
        header.set("x-echo-user", String(call.metadata.get("x-user")[0]));
        call.sendMetadata(header);
        const trailer = new grpc.Metadata();
        trailer.set("x-cost", "7");
        callback(null, { text: "ok" }, trailer);
      },
    });
    const seen: string[] = [];
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod, undefined, undefined, {
      before: [
        (ctx, md) => {
          md.set("x-user", "grace");
          return ctx;
        },
      ],
      after: [
        (ctx, header, trailer) => {
          seen.push(String(header.get("x-echo-user")[0]), String(trailer.get("x-cost")[0]));
          return ctx;
        },
      ],
    });
    await echo(background(), { text: "x" });
    expect(seen).toEqual(["grace", "7"]);
  });

  it("runs after on every response, an error status too, with its header and trailer, as the HTTP client does", async () => {
    running = await startServer({
      Echo: (call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
        const header = new grpc.Metadata();
        header.set("x-served-by", "a");
        call.sendMetadata(header);
        const trailer = new grpc.Metadata();
        trailer.set("x-retry-after", "3");
        callback({ code: grpc.status.UNAVAILABLE, details: "busy", metadata: trailer });
      },
    });
    const seen: string[] = [];
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod, undefined, undefined, {
      after: [
        (ctx, header, trailer) => {
          seen.push(`${String(header.get("x-served-by")[0])} ${String(trailer.get("x-retry-after")[0])}`);
          return ctx;
        },
      ],
    });
    await expect(echo(background(), { text: "x" })).rejects.toMatchObject({ code: Code.Unavailable, message: "busy" });
    expect(seen).toEqual(["a 3"]);
  });

  it("sends the context's deadline as grpc-timeout", async () => {
    const deadlines: (number | undefined)[] = [];
    running = await startServer({
      Echo: server(async (ctx: Context) => {
        deadlines.push(ctx.deadline);
        return Promise.resolve({ text: "" });
      }),
    });
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod);
    const sentAt = Date.now();
    const [ctx, cancel] = withTimeout(background(), 4_000);
    try {
      await echo(ctx, { text: "x" });
    } finally {
      cancel();
    }
    expect(deadlines[0]).toBeGreaterThan(sentAt + 2_000);
    expect(Math.abs((deadlines[0] ?? 0) - (ctx.deadline ?? 0))).toBeLessThan(1_000);
  });

  it("fails deadline_exceeded when the deadline passes, and the server sees it", async () => {
    let serverReason: unknown;
    running = await startServer({
      Echo: server(async (ctx: Context) => {
        await new Promise((resolve) => {
          ctx.signal.addEventListener("abort", resolve, { once: true });
          setTimeout(resolve, 20_000).unref();
        });
        serverReason = ctx.signal.reason;
        return { text: "late" };
      }),
    });
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod);
    const [ctx, cancel] = withTimeout(background(), 300);
    const err = await echo(ctx, { text: "x" }).catch((e: unknown) => e);
    cancel();
    expect((err as KitError).code).toBe(Code.DeadlineExceeded);
    await until("the server to see the deadline", () => serverReason !== undefined);
    expect((serverReason as KitError).code).toBe(Code.DeadlineExceeded);
  });

  it("without a deadline, fails deadline_exceeded after its timeout, cancels the call, and sends no grpc-timeout", async () => {
    const deadlines: (number | undefined)[] = [];
    let serverReason: unknown;
    running = await startServer({
      Echo: server(async (ctx: Context) => {
        deadlines.push(ctx.deadline);
        await new Promise((resolve) => {
          ctx.signal.addEventListener("abort", resolve, { once: true });
          setTimeout(resolve, 20_000).unref();
        });
        serverReason = ctx.signal.reason;
        return { text: "late" };
      }),
    });
    const outcomes: ClientOutcome[] = [];
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod, undefined, undefined, {
      timeout: 300,
      finalizer: [(_ctx, o) => void outcomes.push(o)],
    });
    const begun = Date.now();
    const err = await echo(background(), { text: "x" }).catch((e: unknown) => e);
    const waited = Date.now() - begun;
    expect(err).toMatchObject({ code: Code.DeadlineExceeded, message: "/kittest.Test/Echo: no response within 300 ms" });
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(3_000);
    expect(deadlines).toEqual([undefined]);
    await until("the server to see the cancel", () => serverReason !== undefined);
    expect((serverReason as KitError).code).toBe(Code.Canceled);
    expect(outcomes).toMatchObject([{ method: "/kittest.Test/Echo", error: { code: Code.DeadlineExceeded } }]);
  });

  it("lets a call whose context has a deadline wait past the timeout, up to that deadline", async () => {
    running = await startServer({
      Echo: server(async () => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return { text: "slow" };
      }),
    });
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod, undefined, undefined, { timeout: 100 });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await echo(ctx, { text: "x" })).toEqual({ text: "slow" });
    } finally {
      cancel();
    }
  });

  it("refuses a timeout that is not milliseconds above 0", () => {
    const conn = new grpc.Client("127.0.0.1:1", grpc.credentials.createInsecure());
    try {
      for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => client(conn, EchoMethod, undefined, undefined, { timeout })).toThrow(RangeError);
      }
    } finally {
      conn.close();
    }
  });

  it("cancels the call when the context is canceled, and the server's context is canceled too", async () => {
    let started = false;
    let serverReason: unknown;
    running = await startServer({
      Echo: server(async (ctx: Context) => {
        started = true;
        await new Promise((resolve) => {
          ctx.signal.addEventListener("abort", resolve, { once: true });
          setTimeout(resolve, 20_000).unref();
        });
        serverReason = ctx.signal.reason;
        return { text: "" };
      }),
    });
    const outcomes: ClientOutcome[] = [];
    const echo = client<EchoRequest, EchoReply>(running.conn, EchoMethod, undefined, undefined, {
      finalizer: [(_ctx, o) => void outcomes.push(o)],
    });
    const [ctx, cancel] = withCancel(background());
    const pending = echo(ctx, { text: "x" }).catch((e: unknown) => e);
    await until("the call to reach the server", () => started);
    const canceledAt = Date.now();
    cancel();
    const err = await pending;
    expect(Date.now() - canceledAt).toBeLessThan(2_000);
    expect((err as KitError).code).toBe(Code.Canceled);
    await until("the server to see the cancel", () => serverReason !== undefined);
    expect((serverReason as KitError).code).toBe(Code.Canceled);
    expect(outcomes).toMatchObject([{ method: "/kittest.Test/Echo", status: grpc.status.CANCELLED, error: { code: Code.Canceled } }]);
  });

  it("fails at once, without calling, when the context is already done", async () => {
    let calls = 0;
    running = await startServer({
      Echo: server(async () => {
        calls++;
        return Promise.resolve({ text: "" });
      }),
    });
    const [ctx, cancel] = withCancel(background());
    cancel();
    const err = await client(running.conn, EchoMethod)(ctx, { text: "x" }).catch((e: unknown) => e);
    expect((err as KitError).code).toBe(Code.Canceled);
    expect(calls).toBe(0);
  });

  it("fails unavailable when no server listens", async () => {
    running = await startServer({});
    const addr = running.addr;
    await running.close();
    running = undefined;
    const conn = new grpc.Client(addr, grpc.credentials.createInsecure());
    try {
      const [ctx, cancel] = withTimeout(background(), 5_000);
      const err = await client(conn, EchoMethod)(ctx, { text: "x" }).catch((e: unknown) => e);
      cancel();
      expect((err as KitError).code).toBe(Code.Unavailable);
    } finally {
      conn.close();
    }
  });

  it("refuses a streaming method", () => {
    const conn = new grpc.Client("127.0.0.1:1", grpc.credentials.createInsecure());
    try {
      expect(() => client(conn, CountMethod)).toThrow(/\/kittest.Test\/Count is a server-stream method; client calls unary methods/);
    } finally {
      conn.close();
    }
  });
});
