import { Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { subscriberGroup } from "./subscriber-group.ts";
import type { Subscriber } from "./subscriber-options.ts";

/** A subscriber whose start the test settles, counting how often it was closed. */
function startingSubscriber() {
  let start!: () => void;
  let fail!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    start = resolve;
    fail = reject;
  });
  ready.catch(() => undefined);
  const state = { closes: 0, closed: false };
  let finish!: () => void;
  const closed = new Promise<void>((resolve) => (finish = resolve));
  const close = (): Promise<void> => {
    state.closes += 1;
    return closed.then(() => {
      state.closed = true;
    });
  };
  const subscriber: Subscriber = { ready, close, [Symbol.asyncDispose]: close };
  return { subscriber, start, fail, finish, state };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("subscriberGroup", () => {
  it("is ready only once every subscriber is", async () => {
    const [a, b] = [startingSubscriber(), startingSubscriber()];
    const group = subscriberGroup([a.subscriber, b.subscriber]);
    let ready = false;
    void group.ready.then(() => (ready = true));
    a.start();
    await tick();
    expect(ready).toBe(false);
    b.start();
    await tick();
    expect(ready).toBe(true);
  });

  it("rejects ready with the error of the subscriber that cannot start", async () => {
    const [a, b] = [startingSubscriber(), startingSubscriber()];
    const group = subscriberGroup([a.subscriber, b.subscriber]);
    b.fail(new KitError(Code.NotFound, "no such queue: add.concat"));
    await expect(group.ready).rejects.toMatchObject({ code: Code.NotFound, message: "no such queue: add.concat" });
  });

  it("never leaves an unhandled rejection when nobody awaits ready", async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      const a = startingSubscriber();
      subscriberGroup([a.subscriber]);
      a.fail(new KitError(Code.Unavailable, "broker down"));
      await tick();
      await tick();
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", record);
    }
  });

  it("closes every subscriber once and resolves when all have closed, however often it is closed", async () => {
    const [a, b] = [startingSubscriber(), startingSubscriber()];
    const group = subscriberGroup([a.subscriber, b.subscriber]);
    const first = group.close();
    const second = group[Symbol.asyncDispose]();
    expect(second).toBe(first);
    expect([a.state.closes, b.state.closes]).toEqual([1, 1]);
    let done = false;
    void first.then(() => (done = true));
    a.finish();
    await tick();
    expect(done).toBe(false);
    b.finish();
    await first;
    expect([a.state.closed, b.state.closed, done]).toEqual([true, true, true]);
  });

  it("of no subscribers is ready at once and closes at once", async () => {
    const group = subscriberGroup([]);
    await expect(group.ready).resolves.toBeUndefined();
    await expect(group.close()).resolves.toBeUndefined();
  });
});
