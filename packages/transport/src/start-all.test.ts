import { describe, expect, it } from "vitest";
import { startAll } from "./start-all.ts";

/** Something that starts after `ms` (or fails with `error`), counting its closes. */
function starting(name: string, ms: number, error?: Error) {
  const closes: string[] = [];
  const thing = { name, close: () => Promise.resolve(void closes.push(name)) };
  const promise = new Promise<typeof thing>((resolve, reject) => {
    setTimeout(() => {
      if (error === undefined) resolve(thing);
      else reject(error);
    }, ms);
  });
  return { promise, closes };
}

describe("startAll", () => {
  it("resolves with what started, in the order given, closing none", async () => {
    const a = starting("a", 20);
    const b = starting("b", 1);
    const [first, second] = await startAll([a.promise, b.promise]);
    expect([first.name, second.name]).toEqual(["a", "b"]);
    expect([...a.closes, ...b.closes]).toEqual([]);
  });

  it("when one fails, closes those that started (even those that started after the failure) and throws its error", async () => {
    const a = starting("a", 1);
    const b = starting("b", 5, new Error("topic missing"));
    const c = starting("c", 20);
    await expect(startAll([a.promise, b.promise, c.promise])).rejects.toThrow("topic missing");
    expect([...a.closes, ...b.closes, ...c.closes]).toEqual(["a", "c"]);
  });
});
