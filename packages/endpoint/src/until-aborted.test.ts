import { describe, expect, it } from "vitest";
import { background } from "./context.ts";
import { untilAborted } from "./until-aborted.ts";

describe("untilAborted", () => {
  it("returns the work's own promise for the background context, which can never abort", async () => {
    const work = Promise.resolve(7);
    const result = untilAborted(background().signal, () => work);
    expect(result).toBe(work);
    expect(await result).toBe(7);
  });

  it("resolves with the work's result when the signal stays quiet", async () => {
    expect(await untilAborted(new AbortController().signal, () => Promise.resolve(42))).toBe(42);
  });

  it("rejects with the signal's reason as soon as it aborts, without waiting for the work", async () => {
    const controller = new AbortController();
    const reason = new Error("deadline");
    const never = new Promise<number>(() => undefined);
    const waiting = untilAborted(controller.signal, () => never);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it("does not start the work when the signal has already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    let started = false;
    await expect(untilAborted(controller.signal, () => { started = true; return Promise.resolve(1); })).rejects.toThrow("gone");
    expect(started).toBe(false);
  });

  it("leaves no unhandled rejection when the work fails after the abort", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
    process.on("unhandledRejection", onUnhandled);
    const controller = new AbortController();
    let fail = (): void => undefined;
    const late = new Promise<never>((_resolve, reject) => { fail = () => { reject(new Error("late")); }; });
    const waiting = untilAborted(controller.signal, () => late);
    controller.abort(new Error("first"));
    await expect(waiting).rejects.toThrow("first");
    fail();
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });
});
