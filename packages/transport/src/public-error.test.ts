import { Code, KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { publicError } from "./public-error.ts";

describe("publicError", () => {
  it("sends a thrown Error as internal with a generic message, keeping it as the cause", () => {
    const thrown = new Error("password authentication failed for user app on db-3");
    const err = publicError(thrown);
    expect([err.code, err.message]).toEqual([Code.Internal, "internal error"]);
    expect(err.cause).toBe(thrown);
  });

  it("sends the text of a non-Kit error when exposing is asked for", () => {
    expect(publicError(new Error("db-3 refused"), true).message).toBe("db-3 refused");
    expect(publicError("a thrown string", true)).toMatchObject({ code: Code.Internal, message: "a thrown string" });
  });

  it("sends a KitError as it is, and an abort or a timeout with its own code", () => {
    const notFound = new KitError(Code.NotFound, "no such order");
    expect(publicError(notFound)).toBe(notFound);
    expect(publicError(new DOMException("aborted", "AbortError")).code).toBe(Code.Canceled);
    expect(publicError(new DOMException("timed out", "TimeoutError")).code).toBe(Code.DeadlineExceeded);
  });
});
