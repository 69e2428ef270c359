// The runtime on a small fake driver, for what the in-memory broker cannot show: in-place
// retries, failing replies and failing brokers. Most of its behaviour is tested in
// @kit/transport-memory, on a real (in-memory) broker.
import { Code, contextKey, KitError, withValue, type Endpoint } from "@kit/endpoint";
import { describe, expect, it, vi } from "vitest";
import { exponentialBackoff } from "./backoff.ts";
import type { MessageDriver, RetryMode } from "./message-driver.ts";
import { decodeJSONMessage, encodeJSONMessage } from "./message-codec.ts";
import type { Message, OutgoingMessage } from "./message.ts";
import { runSubscriber, type MessageOutcome } from "./subscriber.ts";

interface FakeMessage extends Message {
  readonly id: number;
}

/** A driver over an array that records every call, in order; every message has `headers`. */
function fakeDriver(retry: RetryMode, bodies: string[], reply?: MessageDriver<FakeMessage>["reply"], headers: Record<string, string> = {}) {
  const calls: string[] = [];
  let queue: FakeMessage[] = bodies.map((body, id) => ({
    id,
    body: new TextEncoder().encode(body),
    headers: new Map(Object.entries(headers)),
    attempt: 1,
    reply: "inbox",
  }));
  const driver: MessageDriver<FakeMessage> = {
    retry,
    async receive(max, signal) {
      while (queue.length === 0 && !signal.aborted) await new Promise((resolve) => setTimeout(resolve, 2));
      const taken = queue.slice(0, max);
      queue = queue.slice(max);
      return taken;
    },
    ack: (m) => record(`ack ${m.id}`),
    retryLater: (m, delay) => record(`retryLater ${m.id} ${delay}`),
    release: (m) => record(`release ${m.id}`),
    deadLetter: (m, headers) => record(`deadLetter ${m.id} ${headers.get("kit-error-code") ?? ""}`),
    reply: reply ?? ((m, out) => record(`reply ${m.id} ${new TextDecoder().decode(out.body)}`)),
  };
  function record(call: string): Promise<void> {
    calls.push(call);
    return Promise.resolve();
  }
  return { driver, calls };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

const echo: Endpoint<unknown, unknown> = (_ctx, request) => Promise.resolve(request);
const fixed = exponentialBackoff({ base: 5, max: 100, random: () => 1 });

describe("runSubscriber", () => {
  it("acknowledges with a driver whose ack is done when it returns", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1", "2"]);
    driver.ack = (m) => {
      calls.push(`ack ${String(m.id)} at once`);
      return undefined;
    };
    const sub = runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage, { concurrency: 1 });
    await until(() => calls.length === 4);
    await sub.close();
    expect(calls).toEqual(["reply 0 1", "ack 0 at once", "reply 1 2", "ack 1 at once"]);
  });

  it("replies, then acknowledges", async () => {
    const { driver, calls } = fakeDriver("redeliver", ['{"a":1}']);
    const sub = runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage);
    await until(() => calls.length === 2);
    await sub.close();
    expect(calls).toEqual(['reply 0 {"a":1}', "ack 0"]);
  });

  it("does not acknowledge a request whose reply failed, but retries it", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"], () => Promise.reject(new Error("connection lost")));
    const codes: string[] = [];
    const sub = runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage, {
      backoff: fixed,
      errorHandler: { handle: (_ctx, err) => void codes.push(err.code) },
    });
    await until(() => calls.length === 1);
    await sub.close();
    expect(calls).toEqual(["retryLater 0 5"]);
    expect(codes).toEqual(["unavailable"]);
  });

  it("retries in place, holding the message, when the driver retries in place", async () => {
    const { driver, calls } = fakeDriver("in-place", ["1"]);
    const attempts: number[] = [];
    const outcomes: MessageOutcome[] = [];
    const flaky: Endpoint<unknown, unknown> = (_ctx, request) => {
      attempts.push(attempts.length + 1);
      return attempts.length < 3 ? Promise.reject(new KitError(Code.Unavailable, "later")) : Promise.resolve(request);
    };
    const sub = runSubscriber(driver, flaky, decodeJSONMessage(), encodeJSONMessage, {
      backoff: fixed,
      finalizer: [(_ctx, outcome) => void outcomes.push(outcome)],
    });
    await until(() => calls.length === 2);
    await sub.close();
    expect(calls).toEqual(["reply 0 1", "ack 0"]);
    expect(outcomes.map((o) => [o.decision, o.attempt, o.delay])).toEqual([
      ["retried", 1, 5],
      ["retried", 2, 10],
      ["succeeded", 3, undefined],
    ]);
  });

  it("answers a request that failed for good with the error, then dead-letters it", async () => {
    const replies: OutgoingMessage[] = [];
    const { driver, calls } = fakeDriver("in-place", ["1"], (_m, out) => {
      replies.push(out);
      return Promise.resolve();
    });
    const sub = runSubscriber(driver, () => Promise.reject(new KitError(Code.NotFound, "gone")), decodeJSONMessage(), encodeJSONMessage);
    await until(() => calls.length === 1);
    await sub.close();
    expect(calls).toEqual(["deadLetter 0 not_found"]);
    expect(replies.map((r) => [r.body.length, Object.fromEntries(r.headers)])).toEqual([
      [0, { "kit-error-code": "not_found", "kit-error-message": "gone" }],
    ]);
  });

  // With finalizers the ack goes through the async settle; without, through the callback path;
  // a driver whose ack is done when it returns (Kafka's) throws rather than rejects.
  it.each([
    ["with finalizers", true, false],
    ["without finalizers", false, false],
    ["an ack that throws, with finalizers", true, true],
    ["an ack that throws, without finalizers", false, true],
  ])("releases a message the broker refused to acknowledge, and reports why (%s)", async (_name, withFinalizer, throws) => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    driver.ack = () => {
      if (throws) throw new Error("channel closed");
      return Promise.reject(new Error("channel closed"));
    };
    const seen: string[] = [];
    const sub = runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage, {
      errorHandler: { handle: (_ctx, err) => void seen.push(`${err.code} ${err.message}`) },
      finalizer: withFinalizer ? [(_ctx, { decision }) => void seen.push(decision)] : [],
    });
    await until(() => calls.includes("release 0") && seen.length === (withFinalizer ? 2 : 1));
    await sub.close();
    expect(calls).toEqual(["reply 0 1", "release 0"]);
    expect(seen).toEqual(withFinalizer ? ["unavailable channel closed", "released"] : ["unavailable channel closed"]);
  });

  it("judges a retry in place by its own outcome, not by the late end of the attempt its deadline cut off", async () => {
    const { driver, calls } = fakeDriver("in-place", ["1"], undefined, { "kit-timeout": "30" });
    let finishFirst: (() => void) | undefined;
    const attempts: string[] = [];
    const endpoint: Endpoint<unknown, unknown> = (_ctx, request) => {
      attempts.push(`attempt ${attempts.length + 1}`);
      if (attempts.length === 1) return new Promise((resolve) => (finishFirst = () => { resolve(request); }));
      finishFirst?.(); // the first attempt succeeds now, after its deadline, while this one runs
      return new Promise((_resolve, reject) => setTimeout(() => { reject(new KitError(Code.NotFound, "gone")); }, 10));
    };
    const sub = runSubscriber(driver, endpoint, decodeJSONMessage(), encodeJSONMessage, { backoff: fixed });
    await until(() => calls.length === 2);
    await sub.close();
    expect(attempts).toEqual(["attempt 1", "attempt 2"]);
    expect(calls).toEqual(["reply 0 ", "deadLetter 0 not_found"]); // the error reply, then the dead letter; never an ack
  });

  it("keeps the context of a retry in place from the before hook of the attempt its deadline cut off", async () => {
    const { driver, calls } = fakeDriver("in-place", ["1"], undefined, { "kit-timeout": "30" });
    const which = contextKey<string>("which attempt");
    let hooks = 0;
    let finishFirstHook: (() => void) | undefined;
    let endpointCalls = 0;
    const seen: [string, string | undefined][] = [];
    const sub = runSubscriber(
      driver,
      (_ctx, request) => {
        endpointCalls += 1;
        finishFirstHook?.(); // the first attempt's hook returns now, long after its deadline
        return new Promise((resolve) => setTimeout(() => { resolve(request); }, 10));
      },
      decodeJSONMessage(),
      encodeJSONMessage,
      {
        backoff: fixed,
        before: [
          (ctx) => {
            hooks += 1;
            if (hooks > 1) return withValue(ctx, which, "retry");
            return new Promise((resolve) => (finishFirstHook = () => { resolve(withValue(ctx, which, "cut off")); }));
          },
        ],
        finalizer: [(ctx, outcome) => void seen.push([outcome.decision, ctx.value(which)])],
      },
    );
    await until(() => calls.includes("ack 0"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sub.close();
    expect(seen).toEqual([
      ["retried", undefined],
      ["succeeded", "retry"],
    ]);
    expect(endpointCalls).toBe(1);
  });

  it("does not call the endpoint for a message whose deadline passed while it was decoded", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"], undefined, { "kit-timeout": "10" });
    let called = 0;
    const slowDecode = (): Promise<unknown> => new Promise((resolve) => setTimeout(() => { resolve(1); }, 40));
    const sub = runSubscriber(
      driver,
      (_ctx, request) => {
        called += 1;
        return Promise.resolve(request);
      },
      slowDecode,
      encodeJSONMessage,
      { maxAttempts: 1 },
    );
    await until(() => calls.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the decode ends meanwhile
    await sub.close();
    expect(calls).toEqual(["reply 0 ", "deadLetter 0 deadline_exceeded"]);
    expect(called).toBe(0);
  });

  it("fails an attempt whose endpoint throws instead of rejecting, like one that rejects", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    const throwing: Endpoint<unknown, unknown> = () => {
      throw new KitError(Code.PermissionDenied, "no");
    };
    const sub = runSubscriber(driver, throwing, decodeJSONMessage(), encodeJSONMessage);
    await until(() => calls.length === 2);
    await sub.close();
    expect(calls).toEqual(["reply 0 ", "deadLetter 0 permission_denied"]);
  });

  it("keeps receiving after the broker fails, reporting each failure", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    const receive = driver.receive.bind(driver);
    let failures = 2;
    driver.receive = (max, signal) => (failures-- > 0 ? Promise.reject(new Error("disconnected")) : receive(max, signal));
    const codes: string[] = [];
    const sub = runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage, {
      backoff: fixed,
      errorHandler: { handle: (_ctx, err) => void codes.push(err.code) },
    });
    await until(() => calls.includes("ack 0"));
    await sub.close();
    expect(codes).toEqual(["unavailable", "unavailable"]);
    expect(calls).toContain("ack 0");
  });

  it("waits for room for a whole batch when the driver receives in batches, but not for long", async () => {
    const bodies = Array.from({ length: 60 }, (_, i) => String(i));
    const { driver, calls } = fakeDriver("redeliver", bodies);
    const asked: number[] = [];
    const receive = driver.receive.bind(driver);
    const batched: MessageDriver<FakeMessage> = {
      ...driver,
      batch: 10,
      receive: (max, signal) => {
        asked.push(max);
        return receive(max, signal);
      },
    };
    // Messages finish one by one, 2 ms apart: without batching the runtime would ask for 1 at a time.
    let n = 0;
    const staggered: Endpoint<unknown, unknown> = (_ctx, request) => new Promise((resolve) => setTimeout(() => { resolve(request); }, 2 * (n++ % 10)));
    const sub = runSubscriber(batched, staggered, decodeJSONMessage(), encodeJSONMessage, { concurrency: 16 });
    await until(() => calls.filter((c) => c.startsWith("ack")).length === 60);
    await sub.close();
    expect(calls.filter((c) => c.startsWith("ack"))).toHaveLength(60);
    const small = asked.filter((max) => max < 10);
    expect(small.length).toBeLessThanOrEqual(asked.length / 2);

    // A slow message does not hold the others' slots empty: after the linger, what fits is fetched.
    const slow = fakeDriver("redeliver", Array.from({ length: 12 }, (_, i) => String(i)));
    const slowBatched: MessageDriver<FakeMessage> = { ...slow.driver, batch: 10 };
    const hang: Endpoint<unknown, unknown> = (ctx, request) =>
      request === 0 ? new Promise((resolve) => { ctx.signal.addEventListener("abort", () => { resolve(request); }); }) : Promise.resolve(request);
    const sub2 = runSubscriber(slowBatched, hang, decodeJSONMessage(), encodeJSONMessage, { concurrency: 10, closeTimeout: 50 });
    await until(() => slow.calls.filter((c) => c.startsWith("ack")).length === 11);
    expect(slow.calls.filter((c) => c.startsWith("ack"))).toHaveLength(11);
    await sub2.close();
  });

  it("receives nothing before the driver's ready check passed, then resolves ready", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    let pass: (() => void) | undefined;
    const events: string[] = [];
    driver.ready = () => new Promise<void>((resolve) => (pass = resolve));
    const receive = driver.receive.bind(driver);
    driver.receive = (max, signal) => {
      events.push("receive");
      return receive(max, signal);
    };
    const sub = runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    events.push("checked");
    pass?.();
    await sub.ready;
    await until(() => calls.includes("ack 0"));
    await sub.close();
    expect(events.slice(0, 2)).toEqual(["checked", "receive"]);
  });

  it("stops and reports when the ready check fails, and a rejection nobody awaits crashes nothing", async () => {
    const { driver } = fakeDriver("redeliver", ["1"]);
    let received = 0;
    driver.ready = () => Promise.reject(new KitError(Code.NotFound, "queue orders does not exist"));
    driver.receive = () => {
      received += 1;
      return Promise.resolve([]);
    };
    const seen: string[] = [];
    const sub = runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage, {
      errorHandler: { handle: (_ctx, err) => void seen.push(`${err.code}: ${err.message}`) },
    });
    // nobody awaits sub.ready here: vitest fails the run on an unhandled rejection
    await until(() => seen.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(["not_found: queue orders does not exist"]);
    expect(received).toBe(0);
    await expect(sub.ready).rejects.toMatchObject({ code: "not_found" });
    await sub.close();
  });

  it("rejects ready with canceled when closed before the check passed", async () => {
    const { driver } = fakeDriver("redeliver", []);
    driver.ready = (signal) => new Promise<void>((resolve) => signal.addEventListener("abort", () => { resolve(); }));
    const seen: string[] = [];
    const sub = runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage, { errorHandler: { handle: (_ctx, err) => void seen.push(err.code) } });
    await sub.close();
    await expect(sub.ready).rejects.toMatchObject({ code: "canceled" });
    expect(seen).toEqual([]);
  });

  it("writes a warning line to stderr for each error when no error handler was given", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const sub = runSubscriber(driver, () => Promise.reject(new KitError(Code.NotFound, "no such\norder")), decodeJSONMessage(), encodeJSONMessage);
      await until(() => calls.length === 2);
      await sub.close();
    } finally {
      write.mockRestore();
    }
    expect(written).toEqual(["kit: not_found: no such order (no errorHandler was given; pass one to handle errors)\n"]);
  });

  it("refuses a concurrency or maxAttempts below 1, and a redelivering driver without retryLater", () => {
    const { driver } = fakeDriver("redeliver", []);
    expect(() => runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage, { concurrency: 0 })).toThrow(RangeError);
    expect(() => runSubscriber(driver, echo, decodeJSONMessage(), encodeJSONMessage, { maxAttempts: 1.5 })).toThrow(RangeError);
    const withoutRetry: MessageDriver<FakeMessage> = { ...driver };
    delete withoutRetry.retryLater;
    expect(() => runSubscriber(withoutRetry, echo, decodeJSONMessage(), encodeJSONMessage)).toThrow(TypeError);
  });
});
