import { describe, expect, it } from "vitest";
import { batcher } from "./batcher.ts";

describe("batcher", () => {
  it("sends items added together as one batch, and each caller gets its own result", async () => {
    const batches: number[][] = [];
    const b = batcher<number, number>(
      (items) => {
        batches.push([...items]);
        return Promise.resolve(items.map((n) => (n === 3 ? { ok: false, error: new Error("three") } : { ok: true, value: n * 10 })));
      },
      10,
      5,
    );
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => b.add(n)));
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([10, 20, "three", 40]);
  });

  it("flushes at the size limit without waiting", async () => {
    const batches: number[][] = [];
    const b = batcher<number, undefined>(
      (items) => {
        batches.push([...items]);
        return Promise.resolve(items.map(() => ({ ok: true as const, value: undefined })));
      },
      2,
      60_000,
    );
    await Promise.all([b.add(1), b.add(2)]);
    expect(batches).toEqual([[1, 2]]);
  });

  it("fails every item of a batch whose flush throws", async () => {
    const b = batcher<number, number>(() => Promise.reject(new Error("down")), 10, 1);
    const results = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });

  it("answers a caller whose signal aborts at once, and leaves its item out of a batch not yet sent", async () => {
    const batches: number[][] = [];
    const b = batcher<number, number>(
      (items) => {
        batches.push([...items]);
        return Promise.resolve(items.map((n) => ({ ok: true as const, value: n })));
      },
      10,
      5,
    );
    const controller = new AbortController();
    const kept = b.add(1);
    const dropped = b.add(2, controller.signal);
    controller.abort(new Error("caller gave up"));
    await expect(dropped).rejects.toThrow("caller gave up");
    await expect(kept).resolves.toBe(1);
    expect(batches).toEqual([[1]]);
    await expect(b.add(3, controller.signal)).rejects.toThrow("caller gave up");
    expect(batches).toEqual([[1]]);
  });

  it("answers a caller whose signal aborts while its batch is out, and the others get their results", async () => {
    let release: () => void = () => undefined;
    const b = batcher<number, number>(
      async (items) => {
        await new Promise<void>((resolve) => (release = resolve));
        return items.map((n) => ({ ok: true as const, value: n }));
      },
      2,
      60_000,
    );
    const controller = new AbortController();
    const first = b.add(1, controller.signal);
    const second = b.add(2, controller.signal);
    const other = new AbortController();
    const third = b.add(3, other.signal);
    controller.abort(new Error("late"));
    await expect(first).rejects.toThrow("late");
    await expect(second).rejects.toThrow("late");
    release();
    other.abort(new Error("third gave up"));
    await expect(third).rejects.toThrow("third gave up");
  });
});
