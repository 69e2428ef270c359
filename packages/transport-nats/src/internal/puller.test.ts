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

describe("Puller", () => {
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
