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
});
