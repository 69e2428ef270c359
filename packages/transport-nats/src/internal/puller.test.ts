import type { Consumer, JsMsg } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { Puller } from "./puller.ts";

/** A consumer whose fetches each deliver what `script` says, as a real one does, then end. */
function fakeConsumer(script: (max: number) => number[]): { consumer: Consumer; asked: number[] } {
  const asked: number[] = [];
  const consumer = {
    fetch: ({ max_messages }: { max_messages: number }) => {
      asked.push(max_messages);
      const seqs = script(max_messages);
      let stopped = false;
      const messages = {
        stop: () => {
          stopped = true;
        },
        closed: () => Promise.resolve(),
        async *[Symbol.asyncIterator]() {
          for (const seq of seqs) {
            if (stopped) return;
            await new Promise((resolve) => setTimeout(resolve, 1));
            yield { seq } as unknown as JsMsg;
          }
        },
      };
      return Promise.resolve(messages);
    },
  };
  return { consumer: consumer as unknown as Consumer, asked };
}

/** A consumer whose first fetch never ends by itself (a pull lost with a restarted server), the next delivering one message. */
function losingConsumer(): { consumer: Consumer; fetches: () => number } {
  let fetches = 0;
  const consumer = {
    fetch: () => {
      fetches += 1;
      const first = fetches === 1;
      let stop: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const messages = {
        stop: () => {
          stop();
        },
        closed: () => stopped,
        async *[Symbol.asyncIterator]() {
          if (first) {
            await stopped; // nothing comes, and the server never ends it
            return;
          }
          yield { seq: 7 } as unknown as JsMsg;
        },
      };
      return Promise.resolve(messages);
    },
  };
  return { consumer: consumer as unknown as Consumer, fetches: () => fetches };
}

describe("Puller", () => {
  it("stops a pull still open well past its expires (lost with a restarted server) and pulls again", async () => {
    const { consumer, fetches } = losingConsumer();
    const puller = new Puller(consumer, 1_000);
    const started = Date.now();
    const batch = await puller.take(4, new AbortController().signal);
    expect(batch.map((m) => m.seq)).toEqual([7]);
    expect(fetches()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900); // expires (1 s) and the 2 s grace
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("asks the server for no more than the free slots, and hands over no more than asked", async () => {
    let next = 1;
    const { consumer, asked } = fakeConsumer((max) => Array.from({ length: max }, () => next++));
    const puller = new Puller(consumer, 1_000);
    const signal = new AbortController().signal;
    const got: number[] = [];
    for (const max of [3, 1, 2]) {
      const batch = await puller.take(max, signal);
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(max);
      got.push(...batch.map((m) => m.seq));
    }
    expect(asked[0]).toBe(3);
    expect(got).toEqual(got.slice().sort((a, b) => a - b));
    expect(new Set(got).size).toBe(got.length);
  });

  it("renews a pull that ended empty, without polling in a tight loop", async () => {
    let calls = 0;
    const { consumer, asked } = fakeConsumer(() => (++calls < 3 ? [] : [calls]));
    const puller = new Puller(consumer, 1_000);
    const started = Date.now();
    const batch = await puller.take(4, new AbortController().signal);
    expect(batch.map((m) => m.seq)).toEqual([3]);
    expect(asked).toEqual([4, 4, 4]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // two empty pulls, each followed by a pause
  });

  it("returns none once the signal aborts, and gives back what it held on stop", async () => {
    const { consumer } = fakeConsumer(() => []);
    const puller = new Puller(consumer, 1_000);
    const stop = new AbortController();
    const taking = puller.take(4, stop.signal);
    setTimeout(() => {
      stop.abort();
    }, 20);
    await expect(taking).resolves.toEqual([]);
    await expect(puller.stop()).resolves.toEqual([]);
  });
});
