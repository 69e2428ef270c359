import { getEventListeners } from "node:events";
import { background, Code, isKitError, KitError, withCancel, withTimeout } from "@kit/endpoint";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeJSONMessage } from "./message-codec.ts";
import type { Message } from "./message.ts";
import { defaultReplyTimeout, replyDecoder, ReplyCorrelator, replyTarget } from "./reply-correlator.ts";

const target = replyTarget("Test", "svc.sum", 10_000);
const nothing = (): undefined => undefined;

/** What a promise settled with: `{ value }` or `{ code, message }` for a KitError. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await promise };
  } catch (err) {
    if (!isKitError(err)) throw err;
    return { code: err.code, message: err.message };
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe("ReplyCorrelator", () => {
  it("hands each reply to the call waiting under its id, and drops one nobody waits for", async () => {
    const calls = new ReplyCorrelator<string>();
    const a = calls.call(background(), "a", target, nothing);
    const b = calls.call(background(), "b", target, nothing);
    expect(calls.waiting).toBe(2);
    expect(calls.targetOf("a")).toBe(target);
    expect(calls.deliver("b", "reply b")).toBe(true);
    expect(calls.deliver("a", "reply a")).toBe(true);
    expect(calls.deliver("a", "again")).toBe(false); // late: its call already ended
    expect(calls.deliver("stranger", "x")).toBe(false);
    expect(calls.targetOf("b")).toBeUndefined();
    await expect(Promise.all([a, b])).resolves.toEqual(["reply a", "reply b"]);
    expect(calls.waiting).toBe(0);
  });

  it("takes a reply that arrives while the request is being sent", async () => {
    const calls = new ReplyCorrelator<string>();
    const reply = calls.call(background(), "fast", target, () => {
      calls.deliver("fast", "at once");
    });
    await expect(reply).resolves.toBe("at once");
  });

  it("stops a call without a deadline at the default bound of 30 s", async () => {
    vi.useFakeTimers();
    const calls = new ReplyCorrelator<string>();
    const reply = outcome(calls.call(background(), "1", replyTarget("Test", "svc.sum"), nothing));
    await vi.advanceTimersByTimeAsync(defaultReplyTimeout - 1);
    expect(calls.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await reply).toEqual({ code: Code.DeadlineExceeded, message: "Test svc.sum: no reply within 30000 ms" });
    expect(calls.waiting).toBe(0);
  });

  it("stops a call without a deadline at the target's timeout", async () => {
    const calls = new ReplyCorrelator<string>();
    const started = Date.now();
    const reply = await outcome(calls.call(background(), "1", replyTarget("Test", "svc.sum", 30), nothing));
    expect(reply).toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("waits until the context's deadline, not the timeout, when the context has one", async () => {
    vi.useFakeTimers();
    const calls = new ReplyCorrelator<string>();
    const short = replyTarget("Test", "svc.sum", 20);
    const [ctx, cancel] = withTimeout(background(), 100);
    const late = calls.call(ctx, "late", short, nothing);
    await vi.advanceTimersByTimeAsync(50); // past the target's 20 ms: the deadline rules
    expect(calls.deliver("late", "in time")).toBe(true);
    await expect(late).resolves.toBe("in time");
    const never = outcome(calls.call(ctx, "never", short, nothing));
    await vi.advanceTimersByTimeAsync(60);
    expect(await never).toMatchObject({ code: Code.DeadlineExceeded });
    cancel();
  });

  it("rejects with the context's reason when it is canceled, and leaves no listener behind", async () => {
    const calls = new ReplyCorrelator<string>();
    const [ctx, cancel] = withCancel(background());
    const answered = Array.from({ length: 1_000 }, (_, i) => calls.call(ctx, String(i), target, nothing));
    for (let i = 0; i < 1_000; i++) calls.deliver(String(i), `r${String(i)}`);
    await Promise.all(answered);
    expect(getEventListeners(ctx.signal, "abort")).toHaveLength(0);
    const waiting = outcome(calls.call(ctx, "x", target, nothing));
    cancel();
    expect(await waiting).toMatchObject({ code: Code.Canceled });
    expect(calls.waiting).toBe(0);
    expect(await outcome(calls.call(ctx, "y", target, nothing))).toMatchObject({ code: Code.Canceled }); // already canceled
  });

  it("fails the call with what the send threw, a KitError as it is and anything else as unavailable", async () => {
    const calls = new ReplyCorrelator<string>();
    const refused = new KitError(Code.PermissionDenied, "not allowed");
    await expect(calls.call(background(), "1", target, () => {
      throw refused;
    })).rejects.toBe(refused);
    expect(await outcome(calls.call(background(), "2", target, () => Promise.reject(new Error("socket closed"))))).toEqual({
      code: Code.Unavailable,
      message: "socket closed",
    });
    expect(calls.waiting).toBe(0);
  });

  it("fails one call, the calls to one address, or all of them, as the transport says", async () => {
    const calls = new ReplyCorrelator<string>();
    const other = replyTarget("Test", "svc.other", 10_000);
    const one = outcome(calls.call(background(), "1", target, nothing));
    const two = outcome(calls.call(background(), "2", target, nothing));
    const three = outcome(calls.call(background(), "3", other, nothing));
    expect(calls.fail("1", new KitError(Code.Unavailable, "unroutable"))).toBe(true);
    expect(calls.fail("1", new KitError(Code.Unavailable, "again"))).toBe(false);
    calls.failAll(new KitError(Code.PermissionDenied, "no publish to svc.sum"), "svc.sum");
    expect(calls.waiting).toBe(1);
    calls.failAll(new KitError(Code.Unavailable, "connection closed"));
    expect([await one, await two, await three]).toEqual([
      { code: Code.Unavailable, message: "unroutable" },
      { code: Code.PermissionDenied, message: "no publish to svc.sum" },
      { code: Code.Unavailable, message: "connection closed" },
    ]);
    const four = calls.call(background(), "4", target, nothing);
    calls.deliver("4", "still open");
    await expect(four).resolves.toBe("still open");
  });

  it("on close, rejects what waits and every later call with the reason", async () => {
    const calls = new ReplyCorrelator<string>();
    const waiting = outcome(calls.call(background(), "1", target, nothing));
    const closed = new KitError(Code.Canceled, "requester closed");
    calls.close(closed);
    expect(await waiting).toEqual({ code: Code.Canceled, message: "requester closed" });
    let sent = false;
    await expect(calls.call(background(), "2", target, () => {
      sent = true;
    })).rejects.toBe(closed);
    expect(sent).toBe(false);
  });

  it("refuses a correlation id that is already waiting", async () => {
    const calls = new ReplyCorrelator<string>();
    const first = calls.call(background(), "same", target, nothing);
    expect(await outcome(calls.call(background(), "same", target, nothing))).toMatchObject({ code: Code.Internal });
    calls.deliver("same", "first's");
    await expect(first).resolves.toBe("first's");
  });
});

describe("replyTarget", () => {
  it("defaults the timeout to 30 s and refuses one that is not milliseconds above 0", () => {
    expect(replyTarget("NATS", "svc.sum")).toEqual({ name: "NATS svc.sum", address: "svc.sum", timeout: 30_000 });
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, "5" as unknown as number]) {
      expect(() => replyTarget("NATS", "svc.sum", bad)).toThrow(RangeError);
    }
  });
});

describe("replyDecoder", () => {
  const reply = (text: string): Message => ({ body: new TextEncoder().encode(text), headers: new Map(), attempt: 1 });

  it("reports a reply the decoder cannot read as internal, the server's fault, naming the requester", async () => {
    const decode = replyDecoder(decodeJSONMessage<{ v: number }>(), target);
    expect(await decode(background(), reply('{"v":3}'))).toEqual({ v: 3 });
    expect(await outcome(Promise.resolve().then(() => decode(background(), reply("{not json"))))).toMatchObject({
      code: Code.Internal,
      message: expect.stringMatching(/^Test svc\.sum: malformed reply: malformed JSON/) as unknown,
    });
  });

  it("does the same for a decoder that rejects or throws something other than a KitError, and keeps other codes", async () => {
    const rejects = replyDecoder(() => Promise.reject(new KitError(Code.InvalidArgument, "bad field")), target);
    expect(await outcome(Promise.resolve(rejects(background(), reply(""))))).toEqual({ code: Code.Internal, message: "Test svc.sum: malformed reply: bad field" });
    const crashes = replyDecoder(() => {
      throw new TypeError("cannot read properties of undefined");
    }, target);
    expect(await outcome(Promise.resolve().then(() => crashes(background(), reply(""))))).toMatchObject({ code: Code.Internal });
    const unavailable = new KitError(Code.Unavailable, "schema registry down");
    const keeps = replyDecoder(() => Promise.reject(unavailable), target);
    await expect(keeps(background(), reply(""))).rejects.toBe(unavailable);
  });
});
