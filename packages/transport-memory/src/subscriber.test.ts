import { Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage, exponentialBackoff, type MessageOutcome } from "@kit/transport";
import { describe, expect, it } from "vitest";
import { MemoryBroker } from "./broker.ts";
import { subscriber } from "./subscriber.ts";

const decodeAny = decodeJSONMessage<{ n: number }>();
/** 5, 10, 20, 40 ms: the backoff's caps, with the jitter fixed at its top. */
const fastBackoff = exponentialBackoff({ base: 5, max: 1_000, random: () => 1 });

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition` holds, checking every few milliseconds for at most two seconds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await sleep(5);
  }
  throw new Error("condition not met within 2 s");
}

function publishMany(broker: MemoryBroker, queue: string, count: number): void {
  for (let n = 0; n < count; n++) broker.publish(queue, JSON.stringify({ n }));
}

const text = new TextDecoder();

describe("subscriber", () => {
  it("runs at most `concurrency` messages at once and takes no more than that off the broker", async () => {
    const broker = new MemoryBroker();
    let running = 0;
    let peak = 0;
    const slow: Endpoint<{ n: number }, void> = async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(3);
      running--;
    };
    publishMany(broker, "work", 40);
    const sub = subscriber(broker, "work", slow, decodeAny, encodeJSONMessage, { concurrency: 4 });
    await broker.idle("work");
    await sub.close();

    expect(peak).toBe(4);
    expect(broker.stats("work")).toMatchObject({ acked: 40, delivered: 40, peakInFlight: 4, inFlight: 0, pending: 0 });
  });

  it("acknowledges a message only after the endpoint succeeded", async () => {
    const broker = new MemoryBroker();
    let finish = (): void => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let started = false;
    const sub = subscriber(
      broker,
      "work",
      async () => {
        started = true;
        await gate;
      },
      decodeAny,
      encodeJSONMessage,
    );
    broker.publish("work", JSON.stringify({ n: 1 }));
    await until(() => started);
    await sleep(10);
    expect(broker.stats("work")).toMatchObject({ acked: 0, inFlight: 1 });

    finish();
    await broker.idle("work");
    expect(broker.stats("work")).toMatchObject({ acked: 1, inFlight: 0 });
    await sub.close();
  });

  it("retries a retryable error with growing delays up to maxAttempts, then dead-letters it with the code and message", async () => {
    const broker = new MemoryBroker();
    const calls: number[] = [];
    const outcomes: MessageOutcome[] = [];
    const failing = (): Promise<void> => {
      calls.push(performance.now());
      return Promise.reject(new KitError(Code.Unavailable, "database down"));
    };
    const sub = subscriber(broker, "work", failing, decodeAny, encodeJSONMessage, {
      maxAttempts: 4,
      backoff: fastBackoff,
      finalizer: [(_ctx, outcome) => void outcomes.push(outcome)],
    });
    broker.publish("work", JSON.stringify({ n: 1 }), { "x-order": "o-1" });
    await broker.idle("work");
    await sub.close();

    expect(outcomes.map((o) => [o.decision, o.attempt, o.delay])).toEqual([
      ["retried", 1, 5],
      ["retried", 2, 10],
      ["retried", 3, 20],
      ["dead-lettered", 4, undefined],
    ]);
    const gaps = calls.slice(1).map((t, i) => t - (calls[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(4);
    expect(gaps[1]).toBeGreaterThanOrEqual(9);
    expect(gaps[2]).toBeGreaterThanOrEqual(19);

    const dead = broker.deadLetters("work");
    expect(dead).toHaveLength(1);
    expect(Object.fromEntries(dead[0]!.headers)).toEqual({
      "x-order": "o-1",
      "kit-error-code": "unavailable",
      "kit-error-message": "database down",
      "kit-attempts": "4",
    });
    expect(JSON.parse(text.decode(dead[0]!.body))).toEqual({ n: 1 });
    expect(broker.stats("work")).toMatchObject({ retried: 3, deadLettered: 1, acked: 0, delivered: 4 });
  });

  it("acknowledges a message that succeeds on a later attempt", async () => {
    const broker = new MemoryBroker();
    let calls = 0;
    const flaky = async (): Promise<void> => {
      await Promise.resolve();
      if (++calls < 3) throw new KitError(Code.ResourceExhausted, "busy");
    };
    const sub = subscriber(broker, "work", flaky, decodeAny, encodeJSONMessage, { backoff: fastBackoff });
    broker.publish("work", JSON.stringify({ n: 1 }));
    await broker.idle("work");
    await sub.close();

    expect(calls).toBe(3);
    expect(broker.stats("work")).toMatchObject({ retried: 2, acked: 1, deadLettered: 0 });
    expect(broker.deadLetters("work")).toEqual([]);
  });

  it("dead-letters a non-retryable error at once, exactly once", async () => {
    const broker = new MemoryBroker();
    let calls = 0;
    const missing = (): Promise<void> => {
      calls++;
      return Promise.reject(new KitError(Code.NotFound, "no such order"));
    };
    const sub = subscriber(broker, "work", missing, decodeAny, encodeJSONMessage, { backoff: fastBackoff });
    broker.publish("work", JSON.stringify({ n: 1 }));
    await broker.idle("work");
    await sleep(20);
    await sub.close();

    expect(calls).toBe(1);
    expect(broker.deadLetters("work").map((d) => [d.headers.get("kit-error-code"), d.headers.get("kit-error-message")])).toEqual([
      ["not_found", "no such order"],
    ]);
    expect(broker.stats("work")).toMatchObject({ retried: 0, deadLettered: 1, delivered: 1 });
  });

  it("dead-letters a plain thrown Error as internal, at once", async () => {
    const broker = new MemoryBroker();
    const sub = subscriber(broker, "work", () => Promise.reject(new Error("boom")), decodeAny, encodeJSONMessage);
    broker.publish("work", JSON.stringify({ n: 1 }));
    await broker.idle("work");
    await sub.close();
    expect(broker.deadLetters("work")[0]?.headers.get("kit-error-code")).toBe("internal");
    expect(broker.stats("work").retried).toBe(0);
  });

  it("dead-letters a message that cannot be decoded at once, without calling the endpoint", async () => {
    const broker = new MemoryBroker();
    let calls = 0;
    const sub = subscriber(
      broker,
      "work",
      async () => {
        calls++;
        await Promise.resolve();
      },
      decodeAny,
      encodeJSONMessage,
      { backoff: fastBackoff },
    );
    broker.publish("work", "{not json");
    await broker.idle("work");
    await sub.close();

    expect(calls).toBe(0);
    const dead = broker.deadLetters("work");
    expect(dead).toHaveLength(1);
    expect(text.decode(dead[0]!.body)).toBe("{not json");
    expect(dead[0]!.headers.get("kit-error-code")).toBe("invalid_argument");
    expect(dead[0]!.headers.get("kit-error-message")).toMatch(/^malformed JSON: /);
  });

  it("dead-letters a message whose kit-timeout header is malformed", async () => {
    const broker = new MemoryBroker();
    const sub = subscriber(broker, "work", () => Promise.resolve(), decodeAny, encodeJSONMessage);
    broker.publish("work", JSON.stringify({ n: 1 }), { "kit-timeout": "2s" });
    await broker.idle("work");
    await sub.close();
    expect(broker.deadLetters("work")[0]?.headers.get("kit-error-code")).toBe("invalid_argument");
  });

  it("gives the endpoint the kit-timeout budget, counted from publishing, as its deadline; once it is spent, a redelivery is dead-lettered unrun", async () => {
    const broker = new MemoryBroker();
    const deadlines: (number | undefined)[] = [];
    let calls = 0;
    const endpoint = async (ctx: Context): Promise<void> => {
      deadlines.push(ctx.deadline === undefined ? undefined : ctx.deadline - Date.now());
      if (++calls === 1) await new Promise(() => undefined); // hangs, ignoring its context
    };
    const sub = subscriber(broker, "work", endpoint, decodeAny, encodeJSONMessage, { backoff: fastBackoff });
    broker.publish("work", JSON.stringify({ n: 1 }), { "kit-timeout": "300" });
    await broker.idle("work");
    await sub.close();

    expect(calls).toBe(1);
    // a deadline from the header, never later than its budget (how much is left depends on the machine's load)
    expect(deadlines[0]).toBeGreaterThan(0);
    expect(deadlines[0]).toBeLessThanOrEqual(300);
    // the attempt that ran past it is retried, but the caller's time is gone by the redelivery
    expect(broker.stats("work")).toMatchObject({ retried: 1, acked: 0, deadLettered: 1 });
    expect(broker.deadLetters("work")[0]?.headers.get("kit-error-code")).toBe("deadline_exceeded");
  });

  it("handles 1,000 messages across two subscribers, each exactly once", async () => {
    const broker = new MemoryBroker();
    const seen: number[] = [];
    const record: Endpoint<{ n: number }, void> = async (_ctx, { n }) => {
      await Promise.resolve();
      seen.push(n);
    };
    const a = subscriber(broker, "work", record, decodeAny, encodeJSONMessage, { concurrency: 8 });
    const b = subscriber(broker, "work", record, decodeAny, encodeJSONMessage, { concurrency: 8 });
    publishMany(broker, "work", 1_000);
    await broker.idle("work");
    await Promise.all([a.close(), b.close()]);

    expect(seen).toHaveLength(1_000);
    expect(new Set(seen).size).toBe(1_000);
    expect(broker.stats("work")).toMatchObject({ published: 1_000, delivered: 1_000, acked: 1_000, deadLettered: 0, retried: 0 });
  });

  it("close() waits for slow messages in flight, acknowledges them, and takes nothing new", async () => {
    const broker = new MemoryBroker();
    let started = 0;
    let finished = 0;
    const slow = async (): Promise<void> => {
      started++;
      await sleep(40);
      finished++;
    };
    publishMany(broker, "work", 10);
    const sub = subscriber(broker, "work", slow, decodeAny, encodeJSONMessage, { concurrency: 3 });
    await until(() => started === 3);
    await sub.close();

    expect(finished).toBe(3);
    expect(started).toBe(3);
    expect(broker.stats("work")).toMatchObject({ delivered: 3, acked: 3, inFlight: 0, pending: 7, released: 0 });
  });

  it("close() after closeTimeout cancels the unfinished messages and releases them, and the broker delivers them again", async () => {
    const broker = new MemoryBroker();
    const reasons: unknown[] = [];
    const stuck = (ctx: Context): Promise<void> =>
      new Promise(() => {
        ctx.signal.addEventListener("abort", () => reasons.push(ctx.signal.reason));
      }); // never settles, as an endpoint that ignores its context
    let started = 0;
    publishMany(broker, "work", 2);
    const first = subscriber(broker, "work", stuck, decodeAny, encodeJSONMessage, {
      concurrency: 2,
      closeTimeout: 20,
      before: [(ctx) => ((started += 1), ctx)],
    });
    await until(() => started === 2);
    const began = performance.now();
    await first.close();

    expect(performance.now() - began).toBeLessThan(500);
    expect(reasons.map((r) => (r as KitError).code)).toEqual(["canceled", "canceled"]);
    expect(broker.stats("work")).toMatchObject({ released: 2, pending: 2, inFlight: 0, acked: 0, deadLettered: 0 });

    const attempts: number[] = [];
    const second = subscriber(broker, "work", () => Promise.resolve(), decodeAny, encodeJSONMessage, {
      finalizer: [(_ctx, { attempt }) => void attempts.push(attempt)],
    });
    await broker.idle("work");
    await second.close();
    expect(attempts).toEqual([2, 2]);
    expect(broker.stats("work")).toMatchObject({ acked: 2 });
  });

  it("releases, without running them, messages the broker handed over after close() was called", async () => {
    const broker = new MemoryBroker();
    let calls = 0;
    publishMany(broker, "work", 3);
    const count = (): Promise<void> => {
      calls++;
      return Promise.resolve();
    };
    const sub = subscriber(broker, "work", count, decodeAny, encodeJSONMessage);
    await sub.close(); // the first receive was already under way
    expect(calls).toBe(0);
    expect(broker.stats("work")).toMatchObject({ released: 3, pending: 3, inFlight: 0, acked: 0 });
  });

  it("a second close() is harmless", async () => {
    const broker = new MemoryBroker();
    const sub = subscriber(broker, "work", () => Promise.resolve(), decodeAny, encodeJSONMessage);
    const one = sub.close();
    const two = sub.close();
    expect(two).toBe(one);
    await Promise.all([one, two]);
    await sub.close();
    broker.publish("work", JSON.stringify({ n: 1 }));
    await sleep(10);
    expect(broker.stats("work")).toMatchObject({ delivered: 0, pending: 1 });
  });

  it("works with await using", async () => {
    const broker = new MemoryBroker();
    {
      await using sub = subscriber(broker, "work", () => Promise.resolve(), decodeAny, encodeJSONMessage);
      expect(sub).toBeDefined();
      broker.publish("work", JSON.stringify({ n: 1 }));
      await broker.idle("work");
    }
    broker.publish("work", JSON.stringify({ n: 2 }));
    await sleep(10);
    expect(broker.stats("work")).toMatchObject({ acked: 1, pending: 1 });
  });

  it("shows every decision to the before, finalizer and errorHandler hooks", async () => {
    const broker = new MemoryBroker();
    const received: string[] = [];
    const decisions: string[] = [];
    const errors: string[] = [];
    let flaky = 0;
    const endpoint: Endpoint<{ n: number }, void> = async (ctx, { n }) => {
      await Promise.resolve();
      if (n === 2) throw new KitError(Code.NotFound, "gone");
      if (n === 3 && ++flaky === 1) throw new KitError(Code.Aborted, "conflict");
      if (n === 4) {
        await new Promise((resolve) => {
          ctx.signal.addEventListener("abort", resolve); // until close gives up
        });
      }
    };
    const sub = subscriber(broker, "work", endpoint, decodeAny, encodeJSONMessage, {
      backoff: fastBackoff,
      closeTimeout: 20,
      before: [
        (ctx, message) => {
          received.push(`${text.decode(message.body)}#${message.attempt}`);
          return ctx;
        },
      ],
      finalizer: [(_ctx, { decision, message }) => void decisions.push(`${text.decode(message.body)} ${decision}`)],
      errorHandler: { handle: (_ctx, err) => void errors.push(err.code) },
    });
    for (const body of ['{"n":1}', '{"n":2}', '{"n":3}', "oops"]) broker.publish("work", body);
    await until(() => decisions.length === 5);
    broker.publish("work", '{"n":4}');
    await until(() => received.length === 6);
    await sub.close();

    expect(received.sort()).toEqual(['oops#1', '{"n":1}#1', '{"n":2}#1', '{"n":3}#1', '{"n":3}#2', '{"n":4}#1'].sort());
    expect(decisions.sort()).toEqual(
      [
        '{"n":1} succeeded',
        '{"n":2} dead-lettered',
        '{"n":3} retried',
        '{"n":3} succeeded',
        "oops dead-lettered",
        '{"n":4} released',
      ].sort(),
    );
    expect(errors.sort()).toEqual(["aborted", "canceled", "invalid_argument", "not_found"]);
  });
});
