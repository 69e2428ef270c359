import { Code, KitError, contextKey, timeRemaining, type Context } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { AttemptContext } from "./attempt-context.ts";

describe("AttemptContext", () => {
  it("aborts a signal already read when canceled, with the first reason only", () => {
    const ctx = new AttemptContext(undefined);
    const { signal } = ctx;
    expect(signal.aborted).toBe(false);
    const first = new KitError(Code.DeadlineExceeded, "late");
    ctx.cancel(first);
    ctx.cancel(new KitError(Code.Canceled, "settled"));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(first);
  });

  it("makes a signal read after the cancel aborted, with the reason", () => {
    const ctx = new AttemptContext(Date.now() + 60_000);
    const reason = new KitError(Code.Canceled, "settled");
    ctx.cancel(reason);
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(reason);
  });

  it("makes a signal read after the deadline passed aborted with deadline_exceeded", () => {
    const ctx = new AttemptContext(Date.now() - 1);
    expect(ctx.signal.aborted).toBe(true);
    expect((ctx.signal.reason as KitError).code).toBe(Code.DeadlineExceeded);
  });

  it("carries its deadline and no values", () => {
    const deadline = Date.now() + 5_000;
    const ctx = new AttemptContext(deadline);
    expect(ctx.deadline).toBe(deadline);
    expect(timeRemaining(ctx)).toBeGreaterThan(4_000);
    const asContext: Context = ctx;
    expect(asContext.value(contextKey<string>("k"))).toBeUndefined();
    expect(new AttemptContext(undefined).signal.aborted).toBe(false);
  });
});
