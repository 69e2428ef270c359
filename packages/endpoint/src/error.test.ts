import { describe, expect, it } from "vitest";
import { Code, isCode, isKitError, isRetryable, KitError, toKitError } from "./error.ts";

describe("Code", () => {
  it("has the sixteen gRPC canonical codes in snake case", () => {
    expect(Object.values(Code).sort()).toEqual([
      "aborted", "already_exists", "canceled", "data_loss", "deadline_exceeded", "failed_precondition",
      "internal", "invalid_argument", "not_found", "out_of_range", "permission_denied",
      "resource_exhausted", "unauthenticated", "unavailable", "unimplemented", "unknown",
    ]);
  });
});

describe("isCode", () => {
  it("accepts the codes and refuses anything else", () => {
    expect(isCode("not_found")).toBe(true);
    expect(isCode("NOT_FOUND")).toBe(false);
    expect(isCode(5)).toBe(false);
  });
});

describe("isRetryable", () => {
  it("retries only unavailable, deadline_exceeded, resource_exhausted and aborted", () => {
    const retryable = Object.values(Code).filter((c) => isRetryable(c)).sort();
    expect(retryable).toEqual(["aborted", "deadline_exceeded", "resource_exhausted", "unavailable"]);
  });
});

describe("KitError", () => {
  it("carries code, message, details and cause", () => {
    const cause = new Error("disk full");
    const err = new KitError(Code.Internal, "could not save", { details: { field: "x" }, cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("KitError");
    expect(err.code).toBe("internal");
    expect(err.message).toBe("could not save");
    expect(err.details).toEqual({ field: "x" });
    expect(err.cause).toBe(cause);
  });
});

describe("isKitError", () => {
  it("recognises a KitError made by another copy of the package by its shared brand", () => {
    const foreign = new Error("from another copy");
    Object.defineProperty(foreign, Symbol.for("@kit/endpoint.KitError"), { value: true });
    expect(isKitError(foreign)).toBe(true);
    expect(isKitError(new Error("plain"))).toBe(false);
    expect(isKitError({ code: "not_found", message: "lookalike" })).toBe(false);
    expect(isKitError(null)).toBe(false);
  });
});

describe("toKitError", () => {
  it("returns a KitError unchanged", () => {
    const err = new KitError(Code.NotFound, "nope");
    expect(toKitError(err)).toBe(err);
  });

  it("turns a plain Error into unknown, or the fallback, keeping message and cause", () => {
    const plain = new Error("boom");
    const a = toKitError(plain);
    expect([a.code, a.message, a.cause]).toEqual(["unknown", "boom", plain]);
    expect(toKitError(plain, Code.Internal).code).toBe("internal");
  });

  it("maps AbortError to canceled and TimeoutError to deadline_exceeded", () => {
    const controller = new AbortController();
    controller.abort();
    expect(toKitError(controller.signal.reason).code).toBe("canceled");
    expect(toKitError(new DOMException("slow", "TimeoutError")).code).toBe("deadline_exceeded");
  });

  it("describes thrown non-errors", () => {
    expect(toKitError("just a string").message).toBe("just a string");
    expect(toKitError({ a: 1 }).message).toBe('non-error thrown: {"a":1}');
    expect(toKitError(undefined).message).toBe("non-error thrown: undefined");
  });
});
