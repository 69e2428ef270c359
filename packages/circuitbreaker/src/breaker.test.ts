import { Code, isKitError, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { circuitOpen, everyError, onlyRetryable } from "./breaker.ts";

describe("predicates", () => {
  it("everyError counts everything; onlyRetryable only retryable codes", () => {
    expect(everyError(new KitError(Code.NotFound, "x"))).toBe(true);
    expect(onlyRetryable(new KitError(Code.NotFound, "x"))).toBe(false);
    expect(onlyRetryable(new KitError(Code.InvalidArgument, "x"))).toBe(false);
    expect(onlyRetryable(new KitError(Code.Unavailable, "x"))).toBe(true);
    expect(onlyRetryable(new KitError(Code.DeadlineExceeded, "x"))).toBe(true);
  });
});

describe("circuitOpen", () => {
  it("is unavailable, 'circuit open', with the cause", () => {
    const cause = new Error("lib");
    const err = circuitOpen(cause);
    expect(isKitError(err)).toBe(true);
    expect(err.code).toBe(Code.Unavailable);
    expect(err.message).toBe("circuit open");
    expect(err.cause).toBe(cause);
  });
});
