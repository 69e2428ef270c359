import { describe, expect, it } from "vitest";
import { withoutStackTraces } from "./without-stack-traces.ts";

describe("withoutStackTraces", () => {
  it("makes errors without stack frames inside, and restores the limit after, even when start throws", () => {
    const before = Error.stackTraceLimit;
    const made = withoutStackTraces(() => new Error("inside"));
    expect(made.stack?.split("\n")).toEqual(["Error: inside"]);
    expect(() =>
      withoutStackTraces(() => {
        throw new TypeError("boom");
      }),
    ).toThrow("boom");
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error("outside").stack?.split("\n").length).toBeGreaterThan(1);
  });
});
