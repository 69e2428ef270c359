// The runtime on a small fake driver, for what the in-memory broker cannot show: in-place
// retries, failing replies, failing brokers and settling that fails. Most of its behaviour on
// a real (in-memory) broker is tested in @kit/transport-memory.
import { Code, contextKey, KitError, withValue, type Context, type Endpoint } from "@kit/endpoint";
import { describe, expect, it, vi } from "vitest";
import { fakeDriver, sleep, until, type FakeMessage } from "../test/support/fake-driver.ts";
import { exponentialBackoff } from "./backoff.ts";
import { decodeJSONMessage, encodeJSONMessage } from "./message-codec.ts";
import type { MessageOutcome } from "./subscriber-options.ts";
import { runSubscriber } from "./subscriber.ts";

const echo: Endpoint<unknown, unknown> = (_ctx, request) => Promise.resolve(request);
const fixed = exponentialBackoff({ base: 5, max: 100, random: () => 1 });
const decode = decodeJSONMessage();

/** An error handler that keeps `code: message` of each error. */
function collect(): { seen: string[]; errorHandler: { handle: (ctx: Context, err: KitError) => void } } {
  const seen: string[] = [];
  return { seen, errorHandler: { handle: (_ctx, err) => void seen.push(`${err.code}: ${err.message}`) } };
}

describe("runSubscriber: handling", () => {
  it("acknowledges with a driver whose ack is done when it returns", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1", "2"]);
    driver.ack = (m) => {
      calls.push(`ack ${String(m.id)} at once`);
      return undefined;
    };
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { concurrency: 1 });
    await until(() => calls.length === 4);
    await sub.close();
    expect(calls).toEqual(["reply 0 1", "ack 0 at once", "reply 1 2", "ack 1 at once"]);
  });

  it("cancels an attempt's context once its message is settled, whether its signal was read during the attempt or after", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1", "2"], { reply: undefined });
    const seen: Context[] = [];
    const readEarly: boolean[] = [];
    const endpoint: Endpoint<unknown, unknown> = (ctx, request) => {
      seen.push(ctx);
      if (request === 1) readEarly.push(ctx.signal.aborted); // the signal made while the attempt runs
      return Promise.resolve(request);
    };
    const sub = runSubscriber(driver, endpoint, decode, encodeJSONMessage);
    await until(() => calls.filter((c) => c.startsWith("ack")).length === 2);
    await sub.close();
    expect(readEarly).toEqual([false]);
    expect(seen.map((ctx) => [ctx.deadline, ctx.signal.aborted, (ctx.signal.reason as KitError).code, ctx.value(contextKey<string>("k"))])).toEqual([
      [undefined, true, Code.Canceled, undefined],
      [undefined, true, Code.Canceled, undefined],
    ]);
  });

  it("runs the hooks, decode, the endpoint, encode and the reply in order, each hook's context passed on", async () => {
    const { driver, calls } = fakeDriver("redeliver", ['{"a":1}']);
    const step = contextKey<string>("step");
    const order: string[] = [];
    const sub = runSubscriber(
      driver,
      (ctx, request) => {
        order.push(`endpoint sees ${String(ctx.value(step))}`);
        return Promise.resolve(request);
      },
      (ctx, message) => {
        order.push(`decode sees ${String(ctx.value(step))}`);
        return decode(ctx, message);
      },
      (ctx, response, reply) => {
        order.push(`encode sees ${String(ctx.value(step))}`);
        encodeJSONMessage(ctx, response, reply);
      },
      {
        before: [(ctx) => withValue(ctx, step, "before 1"), (ctx) => Promise.resolve(withValue(ctx, step, `${String(ctx.value(step))}, before 2`))],
        after: [
          (ctx, reply) => {
            reply.headers.set("x-after", "yes");
            return withValue(ctx, step, "after");
          },
        ],
        finalizer: [(ctx, outcome) => void order.push(`${outcome.decision} sees ${String(ctx.value(step))}`)],
      },
    );
    await until(() => order.length === 4);
    await sub.close();
    expect(order).toEqual(["decode sees before 1, before 2", "endpoint sees before 1, before 2", "encode sees after", "succeeded sees after"]);
    expect(calls).toEqual(['reply 0 {"a":1}', "ack 0"]);
  });

  it("does not acknowledge a request whose reply failed, but retries it", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    driver.reply = () => Promise.reject(new Error("connection lost"));
    const { seen, errorHandler } = collect();
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { backoff: fixed, errorHandler });
    await until(() => calls.length === 1);
    await sub.close();
    expect(calls).toEqual(["retryLater 0 5"]);
    expect(seen).toEqual(["unavailable: connection lost"]);
  });

  it("retries in place, holding the message, when the driver retries in place", async () => {
    const { driver, calls } = fakeDriver("in-place", ["1"]);
    const attempts: number[] = [];
    const outcomes: MessageOutcome[] = [];
    const flaky: Endpoint<unknown, unknown> = (_ctx, request) => {
      attempts.push(attempts.length + 1);
      return attempts.length < 3 ? Promise.reject(new KitError(Code.Unavailable, "later")) : Promise.resolve(request);
    };
    const sub = runSubscriber(driver, flaky, decode, encodeJSONMessage, {
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

  it("answers a request that failed for good with the error and acknowledges it, without dead-lettering it", async () => {
    const { driver, calls, replies } = fakeDriver("in-place", ["1"]);
    const outcomes: string[] = [];
    const sub = runSubscriber(driver, () => Promise.reject(new KitError(Code.NotFound, "gone")), decode, encodeJSONMessage, {
      finalizer: [(_ctx, { decision, error }) => void outcomes.push(`${decision} ${String(error?.code)}`)],
    });
    await until(() => calls.length === 2);
    await sleep(20);
    await sub.close();
    expect(calls).toEqual(["reply 0 ", "ack 0"]);
    expect(Object.fromEntries(replies.get(0)?.headers ?? [])).toEqual({ "kit-error-code": "not_found", "kit-error-message": "gone" });
    expect(outcomes).toEqual(["answered not_found"]);
  });

  it("dead-letters an event that failed for good, with the code, the message and the attempts", async () => {
    const { driver, calls, deadLetters } = fakeDriver("redeliver", ["1"], { reply: undefined });
    const sub = runSubscriber(driver, () => Promise.reject(new KitError(Code.FailedPrecondition, "account closed")), decode, encodeJSONMessage);
    await until(() => calls.length === 1);
    await sub.close();
    expect(calls).toEqual(["deadLetter 0 failed_precondition"]);
    expect(Object.fromEntries(deadLetters.get(0) ?? [])).toEqual({ "kit-error-code": "failed_precondition", "kit-error-message": "account closed", "kit-attempts": "1" });
  });

  it("answers a plain Error as internal without its text, which goes to the error handler and the dead letter only", async () => {
    const leak = (): Promise<never> => Promise.reject(new Error("password authentication failed for user app"));
    const request = fakeDriver("redeliver", ["1"]);
    const handler = collect();
    const sub = runSubscriber(request.driver, leak, decode, encodeJSONMessage, { errorHandler: handler.errorHandler });
    await until(() => request.calls.length === 2);
    await sub.close();
    expect(Object.fromEntries(request.replies.get(0)?.headers ?? [])).toEqual({ "kit-error-code": "internal", "kit-error-message": "internal error" });
    expect(handler.seen).toEqual(["internal: password authentication failed for user app"]);

    const event = fakeDriver("redeliver", ["1"], { reply: undefined });
    const sub2 = runSubscriber(event.driver, leak, decode, encodeJSONMessage, { errorHandler: handler.errorHandler });
    await until(() => event.calls.length === 1);
    await sub2.close();
    expect(event.deadLetters.get(0)?.get("kit-error-message")).toBe("password authentication failed for user app");

    const exposed = fakeDriver("redeliver", ["1"]);
    const sub3 = runSubscriber(exposed.driver, leak, decode, encodeJSONMessage, { errorHandler: handler.errorHandler, exposeErrors: true });
    await until(() => exposed.calls.length === 2);
    await sub3.close();
    expect(exposed.replies.get(0)?.headers.get("kit-error-message")).toBe("password authentication failed for user app");
  });

  it("dead-letters at once, as deadline_exceeded, a message whose deadline was gone when it was received", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"], { reply: undefined, headers: { "kit-timeout": "0" } });
    let called = 0;
    const sub = runSubscriber(
      driver,
      () => {
        called += 1;
        return Promise.resolve();
      },
      decode,
      encodeJSONMessage,
      { backoff: fixed },
    );
    await until(() => calls.length === 1);
    await sleep(30);
    await sub.close();
    expect(calls).toEqual(["deadLetter 0 deadline_exceeded"]);
    expect(called).toBe(0);
  });

  it("never replies to nor acknowledges a message it released at closeTimeout, however its endpoint ends", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1", "2"], { headers: {} });
    const late: Endpoint<unknown, unknown> = (_ctx, request) => new Promise((resolve) => setTimeout(() => { resolve(request); }, 60));
    const failsLate: Endpoint<unknown, unknown> = () => new Promise((_resolve, reject) => setTimeout(() => { reject(new KitError(Code.NotFound, "late")); }, 60));
    const sub = runSubscriber(driver, (ctx, request) => (request === 1 ? late(ctx, request) : failsLate(ctx, request)), decode, encodeJSONMessage, {
      closeTimeout: 10,
      errorHandler: collect().errorHandler,
    });
    await until(() => calls.length === 0 && Date.now() > 0); // both started at once
    await sleep(5);
    await sub.close();
    await sleep(100); // both endpoints have ended by now
    expect(calls.sort()).toEqual(["release 0", "release 1"]);
  });

  it("judges a retry in place by its own outcome, not by the late end of the attempt its deadline cut off", async () => {
    const { driver, calls } = fakeDriver("in-place", ["1"], { headers: { "kit-timeout": "30" } });
    let finishFirst: (() => void) | undefined;
    const attempts: string[] = [];
    const endpoint: Endpoint<unknown, unknown> = (_ctx, request) => {
      attempts.push(`attempt ${String(attempts.length + 1)}`);
      if (attempts.length === 1) return new Promise((resolve) => (finishFirst = () => { resolve(request); }));
      finishFirst?.(); // the first attempt succeeds now, after its deadline, while this one runs
      return new Promise((_resolve, reject) => setTimeout(() => { reject(new KitError(Code.NotFound, "gone")); }, 10));
    };
    const sub = runSubscriber(driver, endpoint, decode, encodeJSONMessage, { backoff: fixed, errorHandler: collect().errorHandler });
    await until(() => calls.length === 2);
    await sub.close();
    expect(attempts).toEqual(["attempt 1", "attempt 2"]);
    expect(calls).toEqual(["reply 0 ", "ack 0"]); // the second attempt's not_found answered; nothing for the first
  });

  it("keeps the context of a retry in place from the before hook of the attempt its deadline cut off", async () => {
    const { driver, calls } = fakeDriver("in-place", ["1"], { headers: { "kit-timeout": "30" } });
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
      decode,
      encodeJSONMessage,
      {
        backoff: fixed,
        errorHandler: collect().errorHandler,
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
    await sleep(20);
    await sub.close();
    expect(seen).toEqual([
      ["retried", undefined],
      ["succeeded", "retry"],
    ]);
    expect(endpointCalls).toBe(1);
  });

  it("gives an attempt a context with the message's deadline, whose signal aborts with deadline_exceeded once it passes", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1", "2"], { reply: undefined, headers: { "kit-timeout": "40" } });
    const deadlines: (number | undefined)[] = [];
    let readEarly: AbortSignal | undefined;
    const seen: string[] = [];
    const describeSignal = (signal: AbortSignal | undefined): string =>
      `${String(signal?.aborted)} ${signal?.reason instanceof KitError ? signal.reason.code : String(signal?.reason)}`;
    const started = Date.now();
    const sub = runSubscriber(
      driver,
      (ctx, request) => {
        deadlines.push(ctx.deadline);
        if (request === 1) readEarly = ctx.signal; // read before the deadline: it aborts when the deadline passes
        return Promise.resolve(request);
      },
      decode,
      encodeJSONMessage,
      {
        finalizer: [
          async (ctx, outcome) => {
            await sleep(60); // the deadline passes while the outcome is handled
            const { id } = outcome.message as FakeMessage;
            seen.push(`${String(id)}: ${describeSignal(id === 0 ? readEarly : ctx.signal)}`); // message 1's is read only now
          },
        ],
      },
    );
    await until(() => calls.length === 2 && seen.length === 2);
    await sub.close();
    for (const deadline of deadlines) expect(deadline).toBeGreaterThanOrEqual(started + 40);
    expect(seen.sort()).toEqual([`0: true ${Code.DeadlineExceeded}`, `1: true ${Code.DeadlineExceeded}`]);
  });

  it("ends each attempt at its own deadline, for messages that run one after the other and together", async () => {
    for (const concurrency of [1, 2]) {
      const { driver, calls } = fakeDriver("redeliver", ["1", "2", "3"], { reply: undefined, headers: { "kit-timeout": "20" } });
      const { seen, errorHandler } = collect();
      const hang: Endpoint<unknown, unknown> = () => new Promise(() => undefined);
      const sub = runSubscriber(driver, hang, decode, encodeJSONMessage, { concurrency, maxAttempts: 1, errorHandler });
      await until(() => calls.length === 3);
      await sub.close();
      expect(calls.sort()).toEqual([0, 1, 2].map((id) => `deadLetter ${String(id)} ${Code.DeadlineExceeded}`));
      expect(seen).toEqual(Array.from({ length: 3 }, () => `${Code.DeadlineExceeded}: context deadline exceeded`));
    }
  });

  it("does not call the endpoint for a message whose deadline passed while it was decoded", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"], { reply: undefined, headers: { "kit-timeout": "10" } });
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
      { maxAttempts: 1, errorHandler: collect().errorHandler },
    );
    await until(() => calls.length === 1);
    await sleep(50); // the decode ends meanwhile
    await sub.close();
    expect(calls).toEqual(["deadLetter 0 deadline_exceeded"]);
    expect(called).toBe(0);
  });

  it("fails an attempt whose endpoint throws instead of rejecting, like one that rejects", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"], { reply: undefined });
    const throwing: Endpoint<unknown, unknown> = () => {
      throw new KitError(Code.PermissionDenied, "no");
    };
    const sub = runSubscriber(driver, throwing, decode, encodeJSONMessage, { errorHandler: collect().errorHandler });
    await until(() => calls.length === 1);
    await sub.close();
    expect(calls).toEqual(["deadLetter 0 permission_denied"]);
  });
});

describe("runSubscriber: receiving", () => {
  it("receives again within a fraction of a second after the broker fails, whatever the message backoff", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    const receive = driver.receive.bind(driver);
    let failures = 2;
    driver.receive = (max, signal) => (failures-- > 0 ? Promise.reject(new Error("disconnected")) : receive(max, signal));
    const { seen, errorHandler } = collect();
    const started = Date.now();
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { backoff: () => 30_000, errorHandler });
    await until(() => calls.includes("ack 0"));
    const took = Date.now() - started;
    await sub.close();
    expect(seen).toEqual(["unavailable: disconnected", expect.stringMatching(/^unavailable: receiving again, \d+\.\d s after receives began to fail \(2 failed receives\); the outage is over$/)]);
    expect(calls).toContain("ack 0");
    expect(took).toBeLessThan(2_000); // two short waits (at most 100 + 200 ms), not the message backoff's 30 s
  });

  it("reports a failing receive once per outage: the first failure, each change of error, then the end of the outage once", { timeout: 10_000 }, async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    const receive = driver.receive.bind(driver);
    const failures = [
      new Error("connect ECONNREFUSED"),
      new Error("connect ECONNREFUSED"),
      new Error("connect ECONNREFUSED"),
      new KitError(Code.DeadlineExceeded, "receive timed out"),
      new KitError(Code.DeadlineExceeded, "receive timed out"),
      new Error("connect ECONNREFUSED"),
    ];
    driver.receive = (max, signal) => {
      const failure = failures.shift();
      return failure === undefined ? receive(max, signal) : Promise.reject(failure);
    };
    const { seen, errorHandler } = collect();
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { errorHandler });
    await until(() => calls.includes("ack 0"), 8_000);
    await sub.close();
    expect(seen).toEqual([
      "unavailable: connect ECONNREFUSED",
      "deadline_exceeded: receive timed out",
      "unavailable: connect ECONNREFUSED",
      expect.stringMatching(/^unavailable: receiving again, \d+\.\d s after receives began to fail \(6 failed receives\); the outage is over$/),
    ]);
  });

  it("reports a second outage as it reports the first", { timeout: 10_000 }, async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1", "2"]);
    const receive = driver.receive.bind(driver);
    let receives = 0;
    driver.receive = (_max, signal) => {
      receives += 1;
      // fails, fails, receives "1", fails, fails, receives "2"
      return receives % 3 === 0 ? receive(1, signal) : Promise.reject(new Error("disconnected"));
    };
    const { seen, errorHandler } = collect();
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { errorHandler });
    await until(() => calls.includes("ack 1"), 8_000);
    await sub.close();
    expect(seen.slice(0, 4).map((said) => (said.endsWith("the outage is over") ? "over" : said))).toEqual(["unavailable: disconnected", "over", "unavailable: disconnected", "over"]);
  });

  it("waits for room for a whole batch when the driver receives in batches, but not for long", async () => {
    const bodies = Array.from({ length: 60 }, (_, i) => String(i));
    const { driver, calls } = fakeDriver("redeliver", bodies);
    const asked: number[] = [];
    const receive = driver.receive.bind(driver);
    driver.receive = (max, signal) => {
      asked.push(max);
      return receive(max, signal);
    };
    const batched = { ...driver, batch: 10 };
    // Messages finish one by one, 2 ms apart: without batching the runtime would ask for 1 at a time.
    let n = 0;
    const staggered: Endpoint<unknown, unknown> = (_ctx, request) => new Promise((resolve) => setTimeout(() => { resolve(request); }, 2 * (n++ % 10)));
    const sub = runSubscriber(batched, staggered, decode, encodeJSONMessage, { concurrency: 16 });
    await until(() => calls.filter((c) => c.startsWith("ack")).length === 60);
    await sub.close();
    expect(calls.filter((c) => c.startsWith("ack"))).toHaveLength(60);
    const small = asked.filter((max) => max < 10);
    expect(small.length).toBeLessThanOrEqual(asked.length / 2);

    // A slow message does not hold the others' slots empty: after the linger, what fits is fetched.
    const slow = fakeDriver("redeliver", Array.from({ length: 12 }, (_, i) => String(i)));
    const slowBatched = { ...slow.driver, batch: 10 };
    const hang: Endpoint<unknown, unknown> = (ctx, request) =>
      request === 0 ? new Promise((resolve) => { ctx.signal.addEventListener("abort", () => { resolve(request); }); }) : Promise.resolve(request);
    const sub2 = runSubscriber(slowBatched, hang, decode, encodeJSONMessage, { concurrency: 10, closeTimeout: 50, errorHandler: collect().errorHandler });
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
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage);
    await sleep(20);
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
    const { seen, errorHandler } = collect();
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { errorHandler });
    // nobody awaits sub.ready here: vitest fails the run on an unhandled rejection
    await until(() => seen.length > 0);
    await sleep(20);
    expect(seen).toEqual(["not_found: queue orders does not exist"]);
    expect(received).toBe(0);
    await expect(sub.ready).rejects.toMatchObject({ code: "not_found" });
    await sub.close();
  });

  it("rejects ready with canceled when closed before the check passed", async () => {
    const { driver } = fakeDriver("redeliver", []);
    driver.ready = (signal) => new Promise<void>((resolve) => { signal.addEventListener("abort", () => { resolve(); }); });
    const { seen, errorHandler } = collect();
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { errorHandler });
    await sub.close();
    await expect(sub.ready).rejects.toMatchObject({ code: "canceled" });
    expect(seen).toEqual([]);
  });

  it("writes a warning line to stderr for each error when no error handler was given", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["1"], { reply: undefined });
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const sub = runSubscriber(driver, () => Promise.reject(new KitError(Code.NotFound, "no such\norder")), decode, encodeJSONMessage);
      await until(() => calls.length === 1);
      await sub.close();
    } finally {
      write.mockRestore();
    }
    expect(written).toEqual(["kit: not_found: no such order (no errorHandler was given; pass one to handle errors)\n"]);
  });

  it("refuses a concurrency or maxAttempts below 1, and a redelivering driver without retryLater", () => {
    const { driver } = fakeDriver("redeliver", []);
    expect(() => runSubscriber(driver, echo, decode, encodeJSONMessage, { concurrency: 0 })).toThrow(RangeError);
    expect(() => runSubscriber(driver, echo, decode, encodeJSONMessage, { maxAttempts: 1.5 })).toThrow(RangeError);
    const withoutRetry = { ...driver };
    delete withoutRetry.retryLater;
    expect(() => runSubscriber(withoutRetry, echo, decode, encodeJSONMessage)).toThrow(TypeError);
  });
});

describe("runSubscriber: settling that fails", () => {
  it.each([
    ["rejects", false],
    ["throws", true],
  ])("tries a refused ack again a few times, then gives the message back to be redelivered later (an ack that %s)", async (_name, throws) => {
    const { driver, calls } = fakeDriver("redeliver", ["1"]);
    driver.ack = (m) => {
      calls.push(`ack ${String(m.id)} refused`);
      if (throws) throw new Error("channel closed");
      return Promise.reject(new Error("channel closed"));
    };
    const { seen, errorHandler } = collect();
    const outcomes: string[] = [];
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { errorHandler, finalizer: [(_ctx, { decision }) => void outcomes.push(decision)] });
    await until(() => calls.some((c) => c.startsWith("retryLater")));
    await sub.close();
    expect(calls.map((c) => c.replace(/retryLater 0 \d+/, "retryLater 0 <delay>"))).toEqual(["reply 0 1", "ack 0 refused", "ack 0 refused", "ack 0 refused", "retryLater 0 <delay>"]);
    expect(Number(calls[4]?.split(" ")[2])).toBeGreaterThanOrEqual(200); // never at once
    expect(seen).toEqual(["unavailable: channel closed", "unavailable: channel closed", "unavailable: channel closed"]);
    expect(outcomes).toEqual(["released"]);
  });

  it("does not spin on a dead letter that cannot be written, and handles the messages behind it", async () => {
    const { driver, calls } = fakeDriver("redeliver", ["not json", "2", "3"], { reply: undefined, requeue: true });
    driver.deadLetter = (m) => {
      calls.push(`deadLetter ${String(m.id)} refused`);
      return Promise.reject(new KitError(Code.NotFound, "the dead-letter queue does not exist"));
    };
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { concurrency: 1, errorHandler: collect().errorHandler });
    await until(() => calls.includes("ack 1") && calls.includes("ack 2"));
    const start = calls.length;
    await sleep(1_000);
    const inOneSecond = calls.length - start;
    await sub.close();
    expect(calls).toContain("ack 1");
    expect(calls).toContain("ack 2");
    expect(inOneSecond).toBeLessThanOrEqual(8); // a few tries a second at most, however often it comes back
  });

  it("dead-letters a message too large for the dead letter with its body cut, and goes on with the next one in order", async () => {
    const big = new Uint8Array(64 * 1024).fill(0xff); // not JSON: it cannot be decoded
    const { driver, calls, deadLetters } = fakeDriver("in-place", [big, "2"], { reply: undefined, requeue: true });
    driver.deadLetter = (m) => {
      calls.push(`deadLetter ${String(m.id)} too large`);
      return Promise.reject(new KitError(Code.ResourceExhausted, "MESSAGE_TOO_LARGE"));
    };
    driver.deadLetterTruncated = (m, headers) => {
      deadLetters.set(m.id, headers);
      calls.push(`deadLetterTruncated ${String(m.id)}`);
      return Promise.resolve();
    };
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { concurrency: 1, errorHandler: collect().errorHandler });
    await until(() => calls.includes("ack 1"));
    await sub.close();
    expect(calls).toEqual(["deadLetter 0 too large", "deadLetterTruncated 0", "ack 1"]);
    expect(deadLetters.get(0)?.get("kit-body-truncated")).toBe(String(64 * 1024));
    expect(deadLetters.get(0)?.get("kit-error-code")).toBe("invalid_argument");
  });

  it("gives a message whose settling keeps failing back without waiting out its backoff when the subscriber closes", async () => {
    const { driver, calls } = fakeDriver("in-place", ["not json"], { reply: undefined });
    driver.deadLetter = () => Promise.reject(new Error("broker down"));
    const sub = runSubscriber(driver, echo, decode, encodeJSONMessage, { errorHandler: collect().errorHandler });
    await until(() => calls.length === 0 && Date.now() > 0);
    await sleep(20);
    const started = Date.now();
    await sub.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toEqual(["release 0"]);
  });
});
