// Properties of the runtime that must hold whatever the endpoint, the broker and the timing do,
// checked with fast-check on a fake driver that hands out messages, fails settling calls on
// request, and gives messages back the way a broker does.
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sleep, until } from "../test/support/fake-driver.ts";
import type { MessageDriver, RetryMode } from "./message-driver.ts";
import type { Message } from "./message.ts";
import { runSubscriber } from "./subscriber.ts";

/** What an endpoint does on one attempt. */
type Outcome = "ok" | "retryable" | "permanent" | "throws" | "slow" | "hang";

interface Script {
  /** Whether the message is a request (has a reply address). */
  readonly request: boolean;
  /** What each attempt does; the last one repeats. */
  readonly outcomes: readonly Outcome[];
  /** How many times in a row each settling call of this message fails before it succeeds. */
  readonly settleFailures: number;
}

interface Handed extends Message {
  /** Which message. */
  readonly id: number;
  /** Which hand-out of it: one per delivery. */
  readonly delivery: number;
}

interface Call {
  readonly method: "ack" | "retryLater" | "release" | "deadLetter" | "reply";
  readonly delivery: number;
  readonly ok: boolean;
  readonly at: number;
}

/**
 * A broker over the scripts: records every call, fails each settling call of a message (but
 * `release`, which a real broker cannot refuse for good: a lease runs out) as many times as its
 * script says, and redelivers what is given back, after the delay asked for (at most 5 ms) or,
 * with `ignoreDelay`, at once.
 */
function broker(retry: RetryMode, scripts: readonly Script[], concurrency: number, ignoreDelay = false) {
  const calls: Call[] = [];
  const queue: { id: number; attempt: number }[] = scripts.map((_s, id) => ({ id, attempt: 1 }));
  let deliveries = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const settled = new Set<number>();
  const failuresLeft = new Map<string, number>();
  const settleCall = (method: Call["method"], m: Handed, after?: () => void): Promise<void> => {
    const key = `${method} ${String(m.delivery)}`;
    const left = failuresLeft.get(key) ?? scripts[m.id]?.settleFailures ?? 0;
    const ok = left === 0 || method === "reply" || method === "release";
    failuresLeft.set(key, Math.max(0, left - 1));
    calls.push({ method, delivery: m.delivery, ok, at: Date.now() });
    if (!ok) return Promise.reject(new KitError(Code.Unavailable, `${method} refused`));
    if (method !== "reply") {
      if (!settled.has(m.delivery)) inFlight -= 1;
      settled.add(m.delivery);
      after?.();
    }
    return Promise.resolve();
  };
  const giveBack = (m: Handed, delay: number): void => {
    setTimeout(() => queue.push({ id: m.id, attempt: m.attempt + 1 }), ignoreDelay ? 0 : delay);
  };
  const driver: MessageDriver<Handed> = {
    retry,
    async receive(max, signal) {
      while (queue.length === 0 && !signal.aborted) await sleep(1);
      if (signal.aborted) return [];
      const taken = queue.splice(0, max).map(({ id, attempt }): Handed => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return { id, delivery: deliveries++, attempt, body: new Uint8Array(0), headers: new Map(), reply: scripts[id]?.request === true ? "inbox" : undefined };
      });
      return taken;
    },
    ack: (m) => settleCall("ack", m),
    retryLater: (m, delay) => settleCall("retryLater", m, () => { giveBack(m, Math.min(delay, 5)); }),
    release: (m) => settleCall("release", m, () => { giveBack(m, 0); }),
    deadLetter: (m) => settleCall("deadLetter", m),
    reply: (m) => settleCall("reply", m),
  };
  return {
    driver,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    get deliveries() {
      return deliveries;
    },
    concurrency,
  };
}

/** The endpoint the scripts describe: attempt n of message i does `scripts[i].outcomes[n - 1]`. */
function scripted(scripts: readonly Script[]): Endpoint<Handed, string> {
  return async (ctx, m) => {
    const outcomes = scripts[m.id]?.outcomes ?? ["ok"];
    const outcome = outcomes[Math.min(m.attempt, outcomes.length) - 1] ?? "ok";
    switch (outcome) {
      case "ok":
        return "done";
      case "slow":
        await sleep(3);
        return "done";
      case "retryable":
        throw new KitError(Code.Unavailable, "later");
      case "permanent":
        throw new KitError(Code.NotFound, "gone");
      case "throws":
        throw new Error("a bug");
      case "hang":
        await new Promise((resolve) => { ctx.signal.addEventListener("abort", resolve, { once: true }); });
        await sleep(5); // and ends after the runtime gave up on it
        return "late";
    }
  };
}

const script: fc.Arbitrary<Script> = fc.record({
  request: fc.boolean(),
  outcomes: fc.array(fc.constantFrom<Outcome>("ok", "slow", "retryable", "permanent", "throws", "hang"), { minLength: 1, maxLength: 3 }),
  settleFailures: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 2 })),
});

const scenario = fc.record({
  retry: fc.constantFrom<RetryMode>("redeliver", "in-place"),
  scripts: fc.array(script, { minLength: 1, maxLength: 12 }),
  concurrency: fc.integer({ min: 1, max: 6 }),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
});

const quiet = { handle: (): void => undefined };

describe("runSubscriber, whatever the endpoint, the broker and the timing do", () => {
  it("settles every delivery exactly once, never runs more than concurrency at once, and never acknowledges or replies to a released one", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ retry, scripts, concurrency, maxAttempts }) => {
        const b = broker(retry, scripts, concurrency);
        const sub = runSubscriber(b.driver, scripted(scripts), (_ctx, m) => m as Handed, () => undefined, {
          concurrency,
          maxAttempts,
          backoff: () => 1,
          closeTimeout: 30,
          errorHandler: quiet,
        });
        await until(() => b.calls.filter((c) => c.ok && c.method !== "reply").length >= scripts.length, 300);
        await sub.close();
        await sleep(15); // endpoints the runtime gave up on end now; nothing may follow

        const successes = new Map<number, Call[]>();
        for (const call of b.calls) if (call.ok && call.method !== "reply") successes.set(call.delivery, [...(successes.get(call.delivery) ?? []), call]);
        for (let delivery = 0; delivery < b.deliveries; delivery++) expect(successes.get(delivery)?.length, `delivery ${String(delivery)}`).toBe(1);
        expect(b.maxInFlight).toBeLessThanOrEqual(concurrency);
        for (const [delivery, [settle]] of successes) {
          if (settle?.method !== "release") continue;
          const after = b.calls.slice(b.calls.indexOf(settle) + 1).filter((c) => c.delivery === delivery);
          expect(after.filter((c) => c.method === "ack" || c.method === "reply" || c.method === "deadLetter")).toEqual([]);
          const before = b.calls.filter((c) => c.delivery === delivery && c.method === "ack" && c.ok);
          expect(before).toEqual([]);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("makes a bounded number of driver calls a second for a message whose settling always fails", { timeout: 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<RetryMode>("redeliver", "in-place"), fc.integer({ min: 1, max: 4 }), async (retry, concurrency) => {
        // every message fails for good, no dead letter can be written, and what is given back comes back at once
        const scripts: Script[] = Array.from({ length: concurrency }, () => ({ request: false, outcomes: ["permanent"], settleFailures: 1_000_000 }));
        const b = broker(retry, scripts, concurrency, true);
        const sub = runSubscriber(b.driver, scripted(scripts), (_ctx, m) => m as Handed, () => undefined, { concurrency, errorHandler: quiet });
        await sleep(800);
        await sub.close();
        const perSecond = (b.calls.length / 0.8) / concurrency;
        expect(perSecond).toBeLessThanOrEqual(25); // a spinning runtime makes thousands
      }),
      { numRuns: 4 },
    );
  });
});
