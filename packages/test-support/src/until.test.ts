import { describe, expect, it } from "vitest";
import { until } from "./until.ts";

describe("until", () => {
  it("returns about 0 when the check is true at once, having asked once", async () => {
    let asked = 0;
    const ms = await until("nothing", () => {
      asked++;
      return true;
    });
    expect(asked).toBe(1);
    expect(ms).toBeLessThan(20);
  });

  it("keeps asking every `every` ms until the check is true, and returns the ms it took", async () => {
    let asked = 0;
    const ms = await until("the fourth check", () => ++asked === 4, { every: 30 });
    expect(asked).toBe(4);
    expect(ms).toBeGreaterThanOrEqual(3 * 30 - 5); // three waits; a timer may fire a ms early
    expect(ms).toBeLessThan(1_000);
  });

  it("awaits a check that is asynchronous", async () => {
    let asked = 0;
    await until("the third answer", async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return ++asked === 3;
    });
    expect(asked).toBe(3);
  });

  it("times out once the timeout has passed, naming what it waited for and the timeout", async () => {
    let asked = 0;
    const start = performance.now();
    const waiting = until("the queue to drain", () => {
      asked++;
      return false;
    }, { timeout: 200, every: 20 });
    await expect(waiting).rejects.toThrow(new Error("timed out after 200 ms waiting for the queue to drain"));
    const took = performance.now() - start;
    expect(took).toBeGreaterThanOrEqual(195);
    expect(took).toBeLessThan(1_000);
    expect(asked).toBeGreaterThan(2);
  });

  it("calls a describing function only when it times out, for the state at that moment", async () => {
    let described = 0;
    let count = 0;
    const state = (): string => {
      described++;
      return `count to reach 1000 (it is ${String(count)})`;
    };
    await until(state, () => ++count === 3);
    expect(described).toBe(0);
    const error = await until(state, () => ++count === 1_000, { timeout: 50, every: 10 }).catch((e: unknown) => e);
    expect(described).toBe(1);
    expect(count).toBeGreaterThan(3);
    expect(error).toEqual(new Error(`timed out after 50 ms waiting for count to reach 1000 (it is ${String(count)})`));
  });

  it("rejects with the error a check throws, without asking again", async () => {
    const broken = new Error("the broker refused");
    let asked = 0;
    const failing = (): boolean => {
      asked++;
      if (asked === 2) throw broken;
      return false;
    };
    await expect(until("the broker", failing)).rejects.toBe(broken);
    await expect(until("the broker", () => Promise.reject(broken))).rejects.toBe(broken);
    expect(asked).toBe(2);
  });

  it("refuses a timeout or an interval that is negative or not finite, naming the option", async () => {
    const check = (): boolean => true;
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(until("x", check, { timeout: bad })).rejects.toThrow(RangeError);
      await expect(until("x", check, { timeout: bad })).rejects.toThrow(/timeout/);
      await expect(until("x", check, { every: bad })).rejects.toThrow(RangeError);
      await expect(until("x", check, { every: bad })).rejects.toThrow(/every/);
    }
    expect(await until("x", check, { timeout: 0, every: 0 })).toBeLessThan(20);
  });
});
