import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { watchAbort } from "./abort-watch.ts";

describe("watchAbort", () => {
  it("calls every watcher of a signal once when it aborts, except those that stopped watching", () => {
    const controller = new AbortController();
    const called: number[] = [];
    const stops = [1, 2, 3].map((n) =>
      watchAbort(controller.signal, () => {
        called.push(n);
      }),
    );
    stops[1]?.();
    controller.abort();
    controller.abort();
    expect(called).toEqual([1, 3]);
  });

  it("keeps watchers of different signals apart", () => {
    const a = new AbortController();
    const b = new AbortController();
    const called: string[] = [];
    watchAbort(a.signal, () => called.push("a"));
    watchAbort(b.signal, () => called.push("b"));
    b.abort();
    expect(called).toEqual(["b"]);
  });

  it("leaves no listener on a signal once its last watcher stopped, and watches it again afresh", () => {
    const controller = new AbortController();
    const { signal } = controller;
    const listeners = (): number => getEventListeners(signal, "abort").length;
    const stops = [1, 2].map(() => watchAbort(signal, () => undefined));
    expect(listeners()).toBe(1); // one for all its watchers
    stops[0]?.();
    expect(listeners()).toBe(1);
    stops[1]?.();
    stops[1]?.(); // a second stop changes nothing
    expect(listeners()).toBe(0);
    const called: string[] = [];
    const stop = watchAbort(signal, () => called.push("again"));
    expect(listeners()).toBe(1);
    controller.abort();
    stop(); // after the abort: nothing to take off
    expect(called).toEqual(["again"]);
    expect(listeners()).toBe(0);
  });
});
