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
});
